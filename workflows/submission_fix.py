"""A producer's correction of a needs-fix: a partial form merged into the whole, and checked
field by field before the submission workflow accepts it (a refused fix is never in history)."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from models.messages import FixInput
    from models.submission import SubmissionForm

# The identity of a film: changing these would make it another film with another key.
IDENTITY_FIELDS = ("original_title", "directors")


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a partial form into a full one: nested objects merge, lists and values replace."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def field_errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'form'}: {err['msg']}" for err in exc.errors()
    )


def check_fix(form: SubmissionForm, fix: FixInput) -> None:
    """Raise ValueError, saying why, if the fix touches the film's identity or leaves the form
    invalid."""
    touched = [f for f in IDENTITY_FIELDS if f in fix.changes]
    if touched:
        raise ValueError(
            f"{', '.join(touched)} identify the film and cannot be changed by a fix; "
            "ask the programme staff to correct them"
        )
    try:
        SubmissionForm.model_validate(merge(form.model_dump(mode="json"), fix.changes))
    except ValidationError as exc:
        raise ValueError(field_errors(exc)) from None
