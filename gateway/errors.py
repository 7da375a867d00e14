"""The one error type the layer raises for a refusal staff can act on."""

from __future__ import annotations


class ActionError(Exception):
    """A refusal to explain in one line (no session of that id, a milestone the calendar does not
    have, a workflow that has ended): the command line prints it on stderr, the web pages show it
    next to the form."""
