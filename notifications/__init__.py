"""Messages to producers: what each stage says, in the producer's language."""
