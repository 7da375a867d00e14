"""What the layer (actions/, readmodels/) reaches through, and the refusal it raises: one context
per command or web request (settings, database, Temporal client), typed handles on the session's
and the film's workflows, the workflow update that survives a worker's restart, and ActionError."""
