"""Runtime configuration, read from the environment (and an optional `.env`).

Every value has an embedded default so `make demo` runs on a bare machine: a Temporal dev server on
localhost, a SQLite file under `var/`, and mail written to a Maildir folder under `var/mail`.
Production points `DATABASE_URL` at PostgreSQL (`postgresql+asyncpg://...`) and sets `SMTP_HOST`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent
# What `make demo` sets for its checkout (the staff account the command line acts for:
# demo/staff.py); `.env` and the environment win over it.
DEMO_ENV = PROJECT_ROOT / "var" / "demo.env"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=(DEMO_ENV, ".env"), extra="ignore")

    temporal_address: str = Field(
        "localhost:7233", description="host:port of the Temporal frontend"
    )
    temporal_namespace: str = "default"
    temporal_task_queue: str = "wipflow"
    temporal_ui_url: str = "http://localhost:8233"
    # Where the worker serves the SDK's Prometheus metrics (`/metrics`); empty turns them off.
    metrics_address: str = "127.0.0.1:9464"
    # Workflows the worker keeps in memory between their tasks. One evicted is replayed from its
    # history at its next task: a session holds every film's workflow open until its end, so the
    # cache should hold them all (bench/pipeline.py measures the memory this takes).
    worker_cached_workflows: int = Field(5000, ge=1)
    # Run workflows in the SDK's sandbox. The sandbox imports a workflow's module afresh for every
    # run and looks up every payload's context through `exec` in it: about a third of the
    # worker's CPU for a film (bench/pipeline.py). Determinism is held elsewhere: the tests run
    # every workflow sandboxed (tests/conftest.py turns it on), workflow modules import no I/O
    # (tests/test_workflow_sandbox_imports.py) and saved histories replay in every CI run.
    worker_sandbox: bool = False

    database_url: str = Field(
        f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'wipflow.db'}",
        description="SQLAlchemy async URL; postgresql+asyncpg://user@host/db in production",
    )

    programmes_dir: Path = PROJECT_ROOT / "programmes"

    mail_from: str = "Films in Progress <wip@wipflow.local>"
    # Who hears of overdue reports and award obligations (escalations), in which language.
    staff_email: str = "staff@wipflow.local"
    staff_name: str = "Programme staff"
    staff_language: Literal["es", "pt", "fr", "en"] = "en"
    # Who staff commands are recorded as in the audit trail (`starter.py --as NAME` wins over
    # it); unset, the login name of whoever runs the command.
    staff_actor: str | None = None
    maildir_path: Path = PROJECT_ROOT / "var" / "mail"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: str | None = None

    # Where the links in messages point: the web app's public address (`starter.py web`).
    public_url: str = "http://localhost:8000"
    # The keys that sign those links, by id (JSON: {"k2": "...", "k1": "..."}); `link_key_id` signs,
    # every other key still verifies, so a key is rotated by adding one and moving the id. Unset,
    # one key is made once and kept in `link_keys_file`.
    link_keys: dict[str, SecretStr] = Field(default_factory=dict)
    link_key_id: str = "k1"
    link_keys_file: Path = PROJECT_ROOT / "var" / "link-keys.json"

    # The master keys that seal what goes to Temporal (codec/), by id (JSON: {"p2": "...", "p1":
    # "..."}, each 32 random bytes in url-safe base64); `payload_key_id` seals, every other key
    # still opens what it sealed: a key is rotated by adding one and moving the id. Unset, one key
    # is made once and kept in `payload_keys_file`.
    payload_keys: dict[str, SecretStr] = Field(default_factory=dict)
    payload_key_id: str = "p1"
    payload_keys_file: Path = PROJECT_ROOT / "var" / "payload-keys.json"


@lru_cache
def get_settings() -> Settings:
    return Settings()
