"""The programmes wipflow knows, from programmes/*.toml (validated)."""

from __future__ import annotations

from pydantic import BaseModel

from gateway.errors import ActionError
from models.programme import Programme, load_programme, load_programmes
from settings import Settings


class ProgrammeLine(BaseModel):
    """A programme in the list: its slots, its sessions' keys and the rules it applies."""

    id: str
    name: str
    slots: int
    sessions: list[str]
    rules: list[str]


def programme(settings: Settings, programme_id: str) -> Programme:
    path = settings.programmes_dir / f"{programme_id}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in settings.programmes_dir.glob("*.toml")))
        raise ActionError(f"no programme {programme_id!r} (known: {known})")
    return load_programme(path)


def programme_lines(settings: Settings) -> list[ProgrammeLine]:
    return [
        ProgrammeLine(
            id=p.id,
            name=p.name,
            slots=p.slots,
            sessions=[s.key for s in p.sessions],
            rules=[r for r, v in p.eligibility if v is not None],
        )
        for p in load_programmes(settings.programmes_dir).values()
    ]
