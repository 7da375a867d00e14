"""What every response carries and every request is held to: security headers (a strict
Content-Security-Policy, no framing, no referrer: a link's token never leaves in a Referer), a
body limit, the double-submit cookie that protects every form from cross-site posting, and the
signed cookie that says which staff member signed in."""

from __future__ import annotations

import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1024 * 1024  # a form of answers, not an upload
# The Temporal UI's codec endpoint (web/codec.py) takes a batch of payloads: a workflow's
# history can carry inputs and results of up to 2 MB each.
CODEC_PATH, CODEC_MAX_BODY = "/staff/codec/", 4 * 1024 * 1024
CSRF_COOKIE = "wipflow_csrf"
STAFF_COOKIE = "wipflow_staff"
# A staff member signs in once a working day.
STAFF_SESSION = timedelta(hours=12)
HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
}


class Guard:
    """ASGI middleware: the headers on every response, and a request body past MAX_BODY
    (CODEC_MAX_BODY for the codec endpoint) refused with a 413 page before any page reads it."""

    def __init__(self, app: ASGIApp, on_too_large: ASGIApp) -> None:
        self.app = app
        self.on_too_large = on_too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode().lower() not in HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send_with_headers)
            return
        # A form is small: read it whole, refusing it as soon as it passes the limit (whatever
        # its Content-Length says, or without one), then hand the app what was read.
        limit = CODEC_MAX_BODY if scope["path"].startswith(CODEC_PATH) else MAX_BODY
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await self.on_too_large(scope, receive, send_with_headers)
                return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: the client's disconnect, if any
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send_with_headers)


class Throttle:
    """Answers per link and per address, in a moving window (the `limits` package, in this
    process's memory): a producer clicking ten times is still answered, a script trying tokens
    or hammering one link is slowed to a page that says to wait."""

    def __init__(self, per_link: str = "20/minute", per_address: str = "60/minute") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_link = parse(per_link)
        self._per_address = parse(per_address)

    async def allows(self, link: str, address: str) -> bool:
        link_ok = await self._limiter.hit(self._per_link, "link", link)
        address_ok = await self._limiter.hit(self._per_address, "address", address)
        return link_ok and address_ok


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_holds(cookie: str | None, field: str | None) -> bool:
    return bool(cookie) and bool(field) and secrets.compare_digest(cookie, field)


class StaffSessions:
    """The staff's sign-in cookie: the address, signed with time (itsdangerous) under the link
    keys with a salt of its own, good for STAFF_SESSION. A key's id travels with it, so rotating
    the keys keeps staff signed in until the old key is dropped. Whether the account is still
    active is asked on every request (readmodels/staff.active_account), not kept here."""

    SALT = "wipflow.staff"

    def __init__(self, keys: dict[str, str], current: str) -> None:
        self._current = current
        self._serializers = {
            kid: URLSafeTimedSerializer(key, salt=self.SALT) for kid, key in keys.items()
        }

    def issue(self, email: str) -> str:
        return f"{self._current}.{self._serializers[self._current].dumps(email)}"

    def holder(self, cookie: str | None) -> str | None:
        """The address a cookie names, if we signed it within STAFF_SESSION."""
        kid, _, signed = (cookie or "").partition(".")
        serializer = self._serializers.get(kid)
        if serializer is None:
            return None
        try:
            return serializer.loads(signed, max_age=int(STAFF_SESSION.total_seconds()))
        except BadSignature:
            return None
