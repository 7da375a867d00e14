"""Texts a person types that end up stored: in a form, a reason, a note, a name.

A leaf module (no project imports), so rules in `domain/` and every model can use it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

# Control characters a stored text may not hold: PostgreSQL refuses NUL in text and JSONB (the
# activity that writes it would retry for ever), and the others are never meant in a form.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(value: str) -> str:
    """Refuse a text with control characters (tabs and line breaks are text)."""
    if (found := _CONTROL.search(value)) is not None:
        raise ValueError(f"contains the control character U+{ord(found.group()):04X}")
    return value


Text = Annotated[str, AfterValidator(printable)]
