"""The error types the layer raises: a refusal in one line, and a form refused field by field."""

from __future__ import annotations

from pydantic_core import ErrorDetails


class ActionError(Exception):
    """A refusal to explain in one line (no session of that id, a milestone the calendar does not
    have, a workflow that has ended): the command line prints it on stderr, the web pages show it
    next to the form."""


class FormInvalid(ActionError):
    """Fields a form refused, each with pydantic's error (its type, its values), for a page to
    say beside its field in the reader's language."""

    def __init__(self, errors: list[ErrorDetails]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))
        self.errors = errors
