"""Signed links: the door a message opens for the person it asks something of.

A link's token names its subject (the film; for a committee member's page, the session), what
the link is for (`purpose`: answer an offer, fix a form, score films...) and the occurrence of the
message that carried it (for a member's page, the member), and says until when it may be used to act
(the answer's deadline) and until when its page may still be read (the deadline plus a grace).
It is signed with HMAC (itsdangerous) under a key that has an id: the id travels in the token, so
staff can rotate the key (a new id signs, the old ones still verify) without breaking the links
already in people's mailboxes. The URL carries nothing but the token: no name, no address.

Nothing here reads a clock: `state_of` takes `now`, so tests and pages agree on what expired.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, Field, ValidationError

from settings import Settings

SALT = "wipflow.link"
# A link's page stays readable this long after the answer's deadline (then: 410 Gone).
GRACE = timedelta(days=30)


class Purpose(StrEnum):
    OFFER = "offer"  # confirm or decline a slot (offer, promoted, offer reminder)
    FIX = "fix"  # correct the fields eligibility refused
    REPORT = "report"  # a follow-up report
    AWARD = "award"  # accept or decline an award's share
    AGENDA = "agenda"  # the event's agenda and its calendar file
    FILM = "film"  # the film's own page, from the receipt of its submission
    REVIEW = "review"  # a committee member's page: their films, scores and conflicts


# Where each purpose's link opens on the web app, and the message's field that prints it: the
# mail's links and the film's page's doors are made from this one table.
LINK_PATHS: dict[Purpose, tuple[str, str]] = {
    Purpose.FILM: ("film_url", "/film/"),
    Purpose.FIX: ("fix_url", "/fix/"),
    Purpose.OFFER: ("answer_url", "/answer/"),
    Purpose.AGENDA: ("agenda_url", "/agenda/"),
    Purpose.REPORT: ("report_url", "/report/"),
    Purpose.AWARD: ("answer_url", "/award/"),
    Purpose.REVIEW: ("review_url", "/review/"),
}

# How long after its deadline a link still takes an answer. A report is wanted however late:
# the follow-up takes one until it stalls (by default 180 days after the last report, 150 after
# one falls due), and no new reminder comes meanwhile, so the last one's link must still work.
# Past this, the link's page is read-only for its grace; a follow-up that has ended refuses the
# report anyway, and the page says so.
LATE_ANSWERS: dict[Purpose, timedelta] = {Purpose.REPORT: timedelta(days=180)}


class Link(BaseModel):
    """What a token says, once its signature is checked."""

    subject: str = Field(description="the film; for a member's page, the session")
    purpose: Purpose
    occurrence: str
    act_until: datetime
    read_until: datetime

    @property
    def ref(self) -> str:
        """The link's identity, for update ids and rate limits: the same link, the same ref."""
        return f"{self.subject}:{self.purpose.value}:{self.occurrence}"


class LinkState(StrEnum):
    OPEN = "open"  # may act
    READ_ONLY = "read_only"  # past the deadline, within the grace: the page shows, nothing more
    GONE = "gone"  # past the grace


class LinkError(Exception):
    """A token that is not ours: tampered, cut, signed by an unknown key, or for another use."""


def keys_of(settings: Settings) -> dict[str, str]:
    """The signing keys by id, and which one signs: from settings (`LINK_KEYS`, JSON, with
    `LINK_KEY_ID`), or else a key made once and kept in `var/link-keys.json`, so the demo's links
    keep working across restarts on a machine that configured nothing."""
    if settings.link_keys:
        return {kid: key.get_secret_value() for kid, key in settings.link_keys.items()}
    path: Path = settings.link_keys_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole beside it, readable by its owner only, then linked into place: a process
        # reading it never finds it half written, and the first to link it wins.
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".link-keys-")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(json.dumps({settings.link_key_id: secrets.token_urlsafe(32)}))
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return json.loads(path.read_text())


class Signer:
    """Signs with the current key, verifies with any known one."""

    def __init__(self, keys: dict[str, str], current: str) -> None:
        if current not in keys:
            raise ValueError(f"LINK_KEY_ID {current!r} is not among the link keys {sorted(keys)}")
        self._current = current
        self._serializers = {kid: URLSafeSerializer(key, salt=SALT) for kid, key in keys.items()}

    @classmethod
    def from_settings(cls, settings: Settings) -> Signer:
        return cls(keys_of(settings), settings.link_key_id)

    def sign(self, subject: str, purpose: Purpose, occurrence: str, act_until: datetime) -> str:
        read_until = act_until + GRACE
        payload = [
            subject,
            purpose.value,
            occurrence,
            int(act_until.timestamp()),
            int(read_until.timestamp()),
        ]
        return f"{self._current}.{self._serializers[self._current].dumps(payload)}"

    def verify(self, token: str, purpose: Purpose | None) -> Link:
        """The link a token carries, or LinkError if it is not one of ours for this purpose
        (None: any purpose, for the film's own page, which every link opens)."""
        kid, _, signed = token.partition(".")
        serializer = self._serializers.get(kid)
        if serializer is None or not signed:
            raise LinkError("unknown key")
        try:
            subject, used_for, occurrence, act, read = serializer.loads(signed)
            link = Link(
                subject=subject,
                purpose=used_for,
                occurrence=occurrence,
                act_until=datetime.fromtimestamp(act, UTC),
                read_until=datetime.fromtimestamp(read, UTC),
            )
        except (BadSignature, ValueError, TypeError, ValidationError):
            raise LinkError("bad signature or shape") from None
        if purpose is not None and link.purpose is not purpose:
            raise LinkError("another purpose")
        return link


def state_of(link: Link, now: datetime) -> LinkState:
    if now <= link.act_until:
        return LinkState.OPEN
    return LinkState.READ_ONLY if now <= link.read_until else LinkState.GONE
