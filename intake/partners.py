"""Import a session's partners from a file: validated row by row and field by field, as
submissions are, then written idempotently (importing the same file twice changes nothing;
importing a corrected row replaces that partner).

A partner's opt-outs and bids name films by key; a key that is not a film of the session is a
field error of that row, not a silent no-op.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from intake.batch import FieldError, RowError, field_errors, read_records
from models.orm import PartnerRow, SubmissionRow
from models.partners import PartnerForm

LIST_FIELDS = {"people", "services", "territories", "languages", "genres", "opt_outs", "bids"}


class PartnerBatch(BaseModel):
    valid: list[PartnerForm]
    rejected: list[RowError]


class PartnerImport(BaseModel):
    session_id: str
    imported: list[str]
    unchanged: list[str]
    rejected: list[RowError]


def validate_partners(records: list[Any], film_keys: set[str]) -> PartnerBatch:
    valid: list[PartnerForm] = []
    rejected: list[RowError] = []
    seen: set[str] = set()
    for row, record in enumerate(records, start=1):
        name = record.get("name") if isinstance(record, dict) else None
        title = name[:200] if isinstance(name, str) else None
        if isinstance(record, dict) and isinstance(record.get("bids"), list):
            record = {**record, "bids": _bids(record["bids"])}
        try:
            partner = PartnerForm.model_validate(record)
        except ValidationError as exc:
            rejected.append(RowError(row=row, title=title, errors=field_errors(exc)))
            continue
        errors = [
            FieldError(field=f"{field}.{key}", message=f"{key!r} is not a film of this session")
            for field, keys in (("opt_outs", partner.opt_outs), ("bids", partner.bids))
            for key in keys
            if key not in film_keys
        ]
        if partner.id in seen:
            errors.append(FieldError(field="id", message=f"{partner.id!r} appears twice"))
        if errors:
            rejected.append(RowError(row=row, title=title, errors=errors))
            continue
        seen.add(partner.id)
        valid.append(partner)
    return PartnerBatch(valid=valid, rejected=rejected)


def _bids(cells: list[Any]) -> Any:
    """A CSV cell `film-key=0.8;other-key=0.5` arrives as a list of `key=value` strings."""
    bids: dict[str, Any] = {}
    for cell in cells:
        if not isinstance(cell, str) or "=" not in cell:
            return cells  # left for the validator to refuse, with its field
        key, _, value = cell.partition("=")
        try:
            bids[key.strip()] = float(value)
        except ValueError:
            bids[key.strip()] = value.strip()
    return bids


async def import_partners(
    database: async_sessionmaker, session_id: str, path: Path
) -> PartnerImport:
    records = read_records(path, key="partners", list_fields=LIST_FIELDS)
    async with database() as db:
        keys = set(
            await db.scalars(
                select(SubmissionRow.film_key).where(SubmissionRow.session_id == session_id)
            )
        )
    batch = validate_partners(records, keys)
    imported, unchanged = [], []
    now = datetime.now(UTC)
    async with database.begin() as db:
        for partner in batch.valid:
            form = partner.model_dump(mode="json")
            row = await db.get(PartnerRow, (session_id, partner.id))
            if row is not None and row.form == form:
                unchanged.append(partner.id)
                continue
            if row is None:
                db.add(
                    PartnerRow(
                        session_id=session_id,
                        id=partner.id,
                        name=partner.name,
                        kind=partner.kind.value,
                        form=form,
                        imported_at=now,
                    )
                )
            else:
                row.name, row.kind, row.form, row.imported_at = (
                    partner.name,
                    partner.kind.value,
                    form,
                    now,
                )
            imported.append(partner.id)
    return PartnerImport(
        session_id=session_id, imported=imported, unchanged=unchanged, rejected=batch.rejected
    )
