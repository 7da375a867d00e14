"""Signed links: what a token carries comes back only with its signature intact, for its own
purpose, under a key still known; its page is open until the deadline, read-only for the grace,
then gone. Unit tests: no clock, no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.links import GRACE, LinkError, LinkState, Purpose, Signer, keys_of, state_of
from settings import Settings

FILM = "films-in-progress/toulouse-2027/la-sirga-82004e8dcb"
DEADLINE = datetime(2027, 3, 8, 17, 0, tzinfo=UTC)
K1 = {"k1": "first secret, long enough to be a key"}
K2 = {"k2": "second secret, after the rotation"}


def signer(keys=K1, current="k1") -> Signer:
    return Signer(keys, current)


def test_a_token_carries_its_film_purpose_occurrence_and_deadline_back():
    token = signer().sign(FILM, Purpose.OFFER, "2", DEADLINE)
    link = signer().verify(token, Purpose.OFFER)
    assert (link.subject, link.purpose, link.occurrence) == (FILM, Purpose.OFFER, "2")
    assert link.act_until == DEADLINE and link.read_until == DEADLINE + GRACE
    assert link.ref == f"{FILM}:offer:2"


def test_the_token_is_url_safe_and_names_only_its_key():
    token = signer().sign(FILM, Purpose.OFFER, "1", DEADLINE)
    assert token.startswith("k1.")
    assert all(c.isalnum() or c in "-_." for c in token)


@pytest.mark.parametrize("at", [10, 20, -3])
def test_a_changed_character_is_refused(at: int):
    token = signer().sign(FILM, Purpose.OFFER, "1", DEADLINE)
    flipped = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
    with pytest.raises(LinkError):
        signer().verify(flipped, Purpose.OFFER)


def test_a_link_for_one_purpose_opens_no_other():
    token = signer().sign(FILM, Purpose.OFFER, "1", DEADLINE)
    with pytest.raises(LinkError, match="purpose"):
        signer().verify(token, Purpose.AWARD)


def test_another_films_payload_under_this_signature_is_refused():
    """The film comes from the signed payload: pasting another film's payload breaks it."""
    mine = signer().sign(FILM, Purpose.OFFER, "1", DEADLINE)
    theirs = signer().sign(FILM.replace("la-sirga", "otra"), Purpose.OFFER, "1", DEADLINE)
    payload_of_theirs = theirs.split(".")[1]
    forged = ".".join([mine.split(".")[0], payload_of_theirs, *mine.split(".")[2:]])
    with pytest.raises(LinkError):
        signer().verify(forged, Purpose.OFFER)


def test_a_key_rotation_keeps_old_links_working_and_signs_new_ones_with_the_new_key():
    old = signer().sign(FILM, Purpose.OFFER, "1", DEADLINE)
    rotated = Signer(K1 | K2, "k2")
    assert rotated.verify(old, Purpose.OFFER).subject == FILM
    new = rotated.sign(FILM, Purpose.OFFER, "1", DEADLINE)
    assert new.startswith("k2.")
    with pytest.raises(LinkError, match="unknown key"):
        signer().verify(new, Purpose.OFFER)  # a server that never had k2
    with pytest.raises(LinkError, match="unknown key"):
        Signer(K2, "k2").verify(old, Purpose.OFFER)  # k1 retired: its links end


def test_a_key_id_that_names_another_key_is_refused():
    token = signer().sign(FILM, Purpose.OFFER, "1", DEADLINE)
    relabelled = "k2." + token.split(".", 1)[1]
    with pytest.raises(LinkError):
        Signer(K1 | K2, "k2").verify(relabelled, Purpose.OFFER)


def test_open_until_the_deadline_read_only_for_the_grace_then_gone():
    link = signer().verify(signer().sign(FILM, Purpose.OFFER, "1", DEADLINE), Purpose.OFFER)
    assert state_of(link, DEADLINE) is LinkState.OPEN
    assert state_of(link, DEADLINE + timedelta(seconds=1)) is LinkState.READ_ONLY
    assert state_of(link, DEADLINE + GRACE) is LinkState.READ_ONLY
    assert state_of(link, DEADLINE + GRACE + timedelta(seconds=1)) is LinkState.GONE


@given(st.text(max_size=200))
def test_no_made_up_string_verifies(text: str):
    with pytest.raises(LinkError):
        signer().verify(text, Purpose.OFFER)


def test_the_signing_key_must_be_known():
    with pytest.raises(ValueError, match="LINK_KEY_ID 'k3'"):
        Signer(K1, "k3")


def test_without_configured_keys_one_is_made_once_and_kept(tmp_path):
    settings = Settings(link_keys_file=tmp_path / "keys.json")
    first = keys_of(settings)
    assert list(first) == ["k1"] and len(first["k1"]) >= 32
    assert keys_of(settings) == first
    assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0


def test_configured_keys_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LINK_KEYS", '{"k1": "old key", "k2": "new key"}')
    monkeypatch.setenv("LINK_KEY_ID", "k2")
    settings = Settings()
    assert keys_of(settings) == {"k1": "old key", "k2": "new key"}
    assert Signer.from_settings(settings).sign(FILM, Purpose.OFFER, "1", DEADLINE).startswith("k2.")
