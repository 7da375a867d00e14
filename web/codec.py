"""The Temporal UI's remote codec endpoint, behind the staff's sign-in: the UI posts the payloads
it shows to `/staff/codec/decode` (and what it sends to `/staff/codec/encode`) as the protobuf JSON
of `temporalio.api.common.v1.Payloads`, and gets them back opened (or sealed).

The UI calls from its own origin (`TEMPORAL_UI_URL`), so the endpoint answers CORS for that
origin only, with credentials: the staff cookie (path /staff, SameSite=Strict) rides along when
the UI's codec settings include credentials and the UI and the web app are on the same site.
Without a valid cookie the answer is 401 (CORS headers included, so the UI reads it and shows the
payloads sealed). Opening and sealing are the layer's (readmodels/payloads, actions/payloads)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from actions.payloads import SealingRefused, sealed
from readmodels.payloads import opened
from web.staff import signed_in

router = APIRouter()
PATH = "/staff/codec"
# What the UI sends: its JSON body, its namespace, a bearer token when it passes one.
ALLOWED_HEADERS = "content-type, x-namespace, authorization"


def ui_origin(request: Request) -> str:
    url = urlsplit(request.app.state.ctx.settings.temporal_ui_url)
    return f"{url.scheme}://{url.netloc}"


def cors(request: Request) -> dict[str, str]:
    """The CORS headers for the request's origin: the UI's is allowed with credentials, any
    other gets none (so its page cannot read the answer). Never a wildcard."""
    headers = {"vary": "Origin"}
    if request.headers.get("origin") == ui_origin(request):
        headers["access-control-allow-origin"] = ui_origin(request)
        headers["access-control-allow-credentials"] = "true"
    return headers


def refusal(status: int, why: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"error": why}, status, headers)


@router.options(PATH + "/{operation}")
async def preflight(request: Request, operation: Literal["decode", "encode"]) -> Response:
    """The browser's question before the UI's POST (JSON and X-Namespace make it ask)."""
    headers = cors(request)
    if "access-control-allow-origin" not in headers:
        return Response(status_code=403, headers=headers)
    headers["access-control-allow-methods"] = "POST, OPTIONS"
    headers["access-control-allow-headers"] = ALLOWED_HEADERS
    headers["access-control-max-age"] = "600"
    return Response(status_code=204, headers=headers)


@router.post(PATH + "/{operation}")
async def convert(request: Request, operation: Literal["decode", "encode"]) -> Response:
    """Decode for every signed-in role; encode for those who may act (not read_only)."""
    headers = cors(request)
    origin = request.headers.get("origin")
    if origin and "access-control-allow-origin" not in headers:
        # Browsers name the page that posts: only the UI's pages may use a staff cookie here.
        return refusal(
            403, f"origin {origin} is not the Temporal UI's ({ui_origin(request)})", headers
        )
    member = await signed_in(request)
    if member is None:
        return refusal(401, "sign in to the staff pages (/staff/sign-in) first", headers)
    try:
        payloads = json_format.Parse(await request.body(), Payloads(), ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        return refusal(
            400, f"payloads: not the JSON of temporal.api.common.v1.Payloads ({exc})", headers
        )
    ctx = request.app.state.ctx
    try:
        if operation == "decode":
            result = await opened(ctx, payloads.payloads)
        else:
            result = await sealed(ctx, member, payloads.payloads)
    except SealingRefused as exc:
        return refusal(403, str(exc), headers)
    return JSONResponse(json_format.MessageToDict(Payloads(payloads=result)), headers=headers)
