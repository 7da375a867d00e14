"""What staff (and, through the web pages, producers and the committee) read, as typed models and
the async functions that build them from Temporal and the database: the board of a session, a film
and its timeline, the outbox, the figures, partnering, awards and follow-up. The command line
renders them; the web pages will too."""
