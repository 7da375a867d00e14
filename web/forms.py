"""A posted HTML form made into the nested data a pydantic form validates, and pydantic's
refusals made into a sentence beside each field in the reader's language.

Field names are the form's paths (`screener.url`, `producers.1.share_pct`); a row of a list that
was left wholly empty is no row (the page offers a few rows for directors and producers); a
checkbox sends its name only when ticked."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from notifications.catalogs import translations


def nested(
    posted: FormData, lists: frozenset[str], checkboxes: frozenset[str], skip: frozenset[str]
) -> dict[str, Any]:
    """The form's data as the model reads it: `lists` are multiple choices, `checkboxes` are
    true when sent and false when not (a row's checkbox by its name after the index), empty texts
    are left out so the model's defaults apply."""
    data: dict[str, Any] = {}
    for name in {*posted.keys()} - skip:
        if name in lists:
            value: Any = [v for v in posted.getlist(name) if isinstance(v, str) and v]
        else:
            value = posted.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
        _put(data, name.split("."), value)
    for name in checkboxes:
        if "." not in name and name not in posted:
            data[name] = False
    return _without_empty_rows(data)


def _put(data: dict[str, Any], path: list[str], value: Any) -> None:
    where = data
    for part in path[:-1]:
        where = where.setdefault(part, {})
    where[path[-1]] = value


def _without_empty_rows(data: Any) -> Any:
    """Rows keyed by index become lists, in order, without the rows left empty."""
    if not isinstance(data, dict):
        return data
    if data and all(k.isdigit() for k in data):
        return [_without_empty_rows(data[k]) for k in sorted(data, key=int) if data[k]]
    return {k: _without_empty_rows(v) for k, v in data.items()}


def field_of(error: ErrorDetails) -> str:
    """The field an error is said beside: its path, to the field (a list's own error, on the
    list)."""
    return ".".join(str(p) for p in error["loc"]) or "form"


def said(error: ErrorDetails, lang: str) -> str:
    """pydantic's refusal in the reader's language: by its type and its values, and for the
    form's own rules (models/submission.py) by what they check."""
    _ = translations(lang).gettext
    kind, ctx = error["type"], error.get("ctx", {})
    message = str(error.get("msg", ""))
    by_message = {
        "password": _("A screener protected by a password needs its password."),
        "secured financing": _("Secured financing cannot exceed the total budget."),
        "ISO 3166": _("Choose a country from the list."),
        "ISO 639-1": _("Choose a language from the list."),
        "single line": _("Write it on a single line."),
    }
    if kind == "value_error":
        return next(
            (t for k, t in by_message.items() if k in message), _("This value is not valid.")
        )
    texts = {
        "missing": _("Please fill this in."),
        "string_too_short": _("Please fill this in."),
        "string_too_long": _("At most %(max_length)s characters."),
        "too_short": _("Give at least %(min_length)s."),
        "too_long": _("Give at most %(max_length)s."),
        "int_parsing": _("A whole number, please."),
        "int_from_float": _("A whole number, please."),
        "decimal_parsing": _("A number, please."),
        "float_parsing": _("A number, please."),
        "greater_than": _("More than %(gt)s, please."),
        "greater_than_equal": _("At least %(ge)s, please."),
        "less_than": _("Less than %(lt)s, please."),
        "less_than_equal": _("At most %(le)s, please."),
        "decimal_max_places": _("At most two decimals."),
        "url_parsing": _("A web address, please, starting with https://."),
        "url_scheme": _("A web address, please, starting with https://."),
        "string_pattern_mismatch": _("This is not an e-mail address."),
        "literal_error": _("Choose one of the options."),
        "enum": _("Choose one of the options."),
        "bool_parsing": _("Choose one of the options."),
        "shares_total": _(
            "The producers' shares must add up to 100%% (they add up to %(total)s%%)."
        ),
        "one_majority": _("Only one producer can be the majority producer."),
    }
    return texts.get(kind, _("This value is not valid.")) % ctx
