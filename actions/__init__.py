"""Every staff action (and, next, the producers' and the committee's) as a typed async function:
typed inputs, typed results, refusals as `ActionError`. The command line and the web pages call
the same functions; none of them knows typer or rich."""
