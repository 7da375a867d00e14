"""Delivering one message to one recipient: to a Maildir folder (the embedded default, so the
demo's mail can be read) or over SMTP (production).

One recipient per message, never a CC list. The Message-ID derives from the outbox key, so the
same message always carries the same id; the Maildir file is named by it too, which makes a second
delivery of the same message to the folder a no-op.
"""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Protocol

import aiosmtplib

from settings import Settings


class PermanentDeliveryError(Exception):
    """The server refused the message for good (a 5xx answer): retrying will not help."""


class Mailer(Protocol):
    async def send(self, message: EmailMessage, key: str) -> None: ...


def build_email(
    *,
    key: str,
    sender: str,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str,
    language: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((to_name, to_address))
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{key}@wipflow>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = language  # after the content: setting it clears Content-*
    return message


class MaildirMailer:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        for folder in ("tmp", "new", "cur"):  # Maildir(create=True) skips an existing folder
            (self.path / folder).mkdir(parents=True, exist_ok=True)

    async def send(self, message: EmailMessage, key: str) -> None:
        final = self.path / "new" / f"{key}.wipflow"
        if final.exists() or any((self.path / "cur").glob(f"{key}.wipflow*")):
            return  # delivered before: a retry changes nothing
        staging = self.path / "tmp" / f"{key}.{os.getpid()}"
        staging.write_bytes(bytes(message))
        os.replace(staging, final)  # atomic: a reader never sees half a message


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage, key: str) -> None:
        s = self.settings
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                start_tls=s.smtp_starttls,
                username=s.smtp_username,
                password=s.smtp_password,
                timeout=30,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            if all(code >= 500 for code in codes):
                raise PermanentDeliveryError(str(exc)) from exc
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise PermanentDeliveryError(f"{exc.code} {exc.message}") from exc
            raise


def mailer_for(settings: Settings) -> Mailer:
    return SmtpMailer(settings) if settings.smtp_host else MaildirMailer(settings.maildir_path)
