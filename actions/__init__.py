"""Every action staff, producers and the committee take, as typed async functions both faces
call: typed inputs, typed results, refusals as `ActionError`. The command line and the web pages
call the same functions; none of them knows typer or rich."""
