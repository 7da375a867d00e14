"""The layer's context: who it records staff as. Unit tests."""

from __future__ import annotations

from gateway.context import Context
from settings import Settings


def test_staff_are_recorded_by_name_and_on_whose_behalf(monkeypatch):
    """`--as` wins over STAFF_ACTOR, which wins over the login name; a decision staff enter for
    a producer or the jury names both."""
    monkeypatch.setattr("getpass.getuser", lambda: "mruiz")
    monkeypatch.delenv("STAFF_ACTOR", raising=False)
    # No env file either: `make demo` names its admin in var/demo.env on a developer's checkout.
    assert Context(Settings(_env_file=None)).actor == "mruiz (staff)"
    assert Context(Settings(staff_actor="Marta Ruiz")).actor == "Marta Ruiz (staff)"
    chosen = Context(Settings(staff_actor="Marta Ruiz"), actor="Paula Gómez")
    assert chosen.actor == "Paula Gómez (staff)"
    assert chosen.on_behalf_of("producer") == "Paula Gómez (staff), for the producer"
