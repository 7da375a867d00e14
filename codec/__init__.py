"""Personal data kept out of Temporal's histories: every payload a wipflow client or worker
sends to Temporal is sealed with AES-256-GCM before it leaves the process, under its session's
own data key (so deleting that key makes a closed session's histories unreadable), the data key
itself wrapped under a master key from the settings (so the master keys can rotate)."""
