"""The web app: one layer context for its life (settings, database, Temporal), the pages, the
static files, and the guard every request passes (web/security.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp

from gateway.context import Context
from readmodels.answers import LinkRefused
from settings import Settings, get_settings
from web.agenda import router as agenda
from web.award import router as award
from web.call import router as call
from web.codec import router as codec
from web.fix import router as fix
from web.pages import problem, router
from web.report import router as report
from web.review import router as review
from web.security import Guard, Throttle
from web.staff import router as staff
from web.staff_board import router as staff_board

STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    settings: Settings | None = None, ctx: Context | None = None, throttle: Throttle | None = None
) -> ASGIApp:
    """The app on a context of its own, or on `ctx` (a test's, already connected)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = ctx is None
        app.state.ctx = ctx or Context(settings or get_settings())
        app.state.throttle = throttle or Throttle()
        try:
            yield
        finally:
            if own:
                await app.state.ctx.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(router)
    app.include_router(agenda)
    app.include_router(report)
    app.include_router(call)
    app.include_router(award)
    app.include_router(fix)
    app.include_router(review)
    app.include_router(staff)
    app.include_router(staff_board)
    app.include_router(codec)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", response_class=PlainTextResponse)
    async def healthz() -> str:
        """Up, and the cheapest page: the baseline of bench/web.py."""
        return "ok"

    @app.exception_handler(HTTPException)
    async def http_problem(request: Request, exc: HTTPException) -> HTMLResponse:
        status = exc.status_code if exc.status_code in (403, 404, 410, 413) else 404
        return problem(request, status)

    @app.exception_handler(LinkRefused)
    async def link_refused(request: Request, exc: LinkRefused) -> HTMLResponse:
        """A token that opens nothing, on any page: past its grace 410, else 403, naming no film."""
        return problem(request, 410 if exc.gone else 403)

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return problem(request, 419)  # a form not made by our page: ask to open the link again

    async def too_large(scope, receive, send) -> None:
        await problem(Request(scope), 413)(scope, receive, send)

    return Guard(app, too_large)
