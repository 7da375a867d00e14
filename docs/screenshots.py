"""Screenshots of what an operator sees of a session in the Temporal UI, taken in headless Chromium.

    make demo && make screenshots        # the demo's session under docs/, as the demo's admin
    .venv/bin/python docs/screenshots.py --session films-in-progress/toulouse-2027 \\
        [--staff you@festival.example [--password-stdin]] [--web http://localhost:8000] \\
        [--ui http://localhost:8233] [--submission WORKFLOW_ID] [--out docs]

It opens the UI's workflow list filtered on the session's `WipSession` search attribute, with
wipflow's columns (stage, whom it waits for, until when), then the list of what waits on
producers, then one submission's page (its timeline of summarised activities and its user
metadata: summary, details, current details). Those are sealed payloads (codec/): the browser
first signs in to the web app's staff pages with a staff account (`starter.py staff add`, or
the demo's admin, demo/staff.py), and
the UI is told to send that cookie to the web app's codec endpoint, which opens them. Each page
is checked for what it must show before it is saved, so the tests can run this script and fail
when the UI stops showing it.

Chromium is Debian's (`apt-get install chromium`), driven by Playwright with
`executable_path`: Playwright's own browser download cannot work on a closed network.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import BrowserContext, Page, async_playwright
from temporalio.client import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo.staff import ACCESS as DEMO_STAFF  # noqa: E402
from devserver import codec_endpoint  # noqa: E402
from settings import get_settings  # noqa: E402
from store.db import make_engine, make_sessionmaker  # noqa: E402
from temporal_client import connect  # noqa: E402

COLUMNS = ["Status", "Workflow ID", "WipStage", "WipStatus", "WipDeadline", "WipCountry"]
# Flags for a machine without a display or outside network (the browser would otherwise keep
# trying to reach Google's services).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class NotShown(AssertionError):
    """The UI did not show what an operator needs to see."""


async def pick_submission(session_id: str) -> str:
    """A film of the session that went furthest: confirmed if any, else any submission."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        client = await connect(settings, make_sessionmaker(engine))
        return await first_submission(client, session_id)
    finally:
        await engine.dispose()


async def first_submission(client: Client, session_id: str) -> str:
    for stage in ("confirmed", "offered", "eligible", None):
        query = f'WipSession="{session_id}" AND WorkflowType="SubmissionWorkflow"'
        if stage:
            query += f' AND WipStage="{stage}"'
        async for execution in client.list_workflows(query, limit=1):
            return execution.id
    raise NotShown(f"no submission of {session_id} in the UI's namespace")


def codec_settings(endpoint: str) -> str:
    """A script that sets, before the UI loads, what its "Codec Server" panel would save in local
    storage: the endpoint, and "include cross-origin credentials" (the staff cookie), which the
    dev server has no flag for. The UI reads the three keys only together."""
    values = {
        "endpoint": endpoint,
        "includeCredentials": True,
        "overrideRemoteCodecConfiguration": True,
    }
    return "".join(
        f"window.localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(value))});"
        for key, value in values.items()
    )


async def sign_in(context: BrowserContext, web: str, email: str, password: str) -> None:
    """Sign in to the web app's staff pages: the cookie the codec endpoint asks for."""
    page = await context.new_page()
    await page.goto(f"{web}/staff/sign-in")
    await page.fill("#email", email)
    await page.fill("#password", password)
    async with page.expect_navigation() as signed:
        await page.click("#sign-in")
    if (await signed.value).status != 200:
        raise NotShown(f"{email} could not sign in to {web}/staff/: wrong address or password")
    await page.close()


async def workflow_list(page: Page, ui: str, namespace: str, query: str, path: Path) -> int:
    await page.goto(
        f"{ui}/namespaces/{namespace}/workflows?query={quote(query)}", wait_until="networkidle"
    )
    rows = page.locator("table tbody tr")
    await rows.first.wait_for(timeout=30_000)
    # On a busy machine the table shows its rows before its headers are filled in: give the
    # columns the same 30 s, then name those still missing.
    for _ in range(60):
        header = await page.locator("table thead").first.inner_text()
        missing = [c for c in COLUMNS if c not in header]
        if not missing:
            break
        await page.wait_for_timeout(500)
    else:
        raise NotShown(f"the list has no column {', '.join(missing)}")
    await page.screenshot(path=path)
    return await rows.count()


async def workflow_page(page: Page, ui: str, namespace: str, workflow_id: str, out: Path) -> None:
    # The UI scrolls inside its own frame: a tall window is what shows the whole timeline.
    await page.set_viewport_size({"width": 2100, "height": 1500})
    await page.goto(f"{ui}/namespaces/{namespace}/workflows/{quote(workflow_id, safe='')}")
    await page.get_by_text("Event History").first.wait_for(timeout=30_000)
    # The timeline names each activity by its summary ("message: offer", "eligibility check 1");
    # the latest are on top, and a long history shows only its latest in full.
    await page.get_by_text("message: ").first.wait_for(timeout=30_000)
    await page.screenshot(path=out / "submission-timeline.png")
    await page.get_by_text("User Metadata").first.click()
    await page.get_by_text("Current Details").first.wait_for(timeout=30_000)
    await page.set_viewport_size({"width": 2100, "height": 1000})
    await page.screenshot(path=out / "submission-metadata.png")


async def take(
    ui: str,
    namespace: str,
    session_id: str,
    submission: str | None,
    out: Path,
    staff: tuple[str, str, str],
):
    """Save the four screenshots under `out`, signed in to the web app as `staff` (its URL,
    email and password); returns the rows each list had and the submission shown."""
    submission = submission or await pick_submission(session_id)
    session = f'WipSession="{session_id}"'
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 2100, "height": 1000})
        web, email, password = staff
        await sign_in(context, web, email, password)
        await context.add_init_script(codec_settings(codec_endpoint(settings_for(web))))
        # The UI keeps its columns per namespace in local storage: set wipflow's before it loads.
        columns = json.dumps(json.dumps({namespace: [{"label": c} for c in COLUMNS]}))
        await context.add_init_script(
            f"window.localStorage.setItem('namespace-workflow-table-columns', {columns})"
        )
        page = await context.new_page()
        rows = {
            "session-workflows.png": await workflow_list(
                page, ui, namespace, session, out / "session-workflows.png"
            ),
            "waiting-on-producers.png": await workflow_list(
                page,
                ui,
                namespace,
                f'{session} AND WipStatus="waiting-producer"',
                out / "waiting-on-producers.png",
            ),
        }
        await workflow_page(page, ui, namespace, submission, out)
        await browser.close()
    return rows, submission


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    raise SystemExit("no Chromium: install Debian's package (apt-get install chromium)")


def settings_for(web: str):
    return get_settings().model_copy(update={"public_url": web})


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--session", required=True, help="e.g. films-in-progress/toulouse-2027")
    parser.add_argument("--ui", default=settings.temporal_ui_url)
    parser.add_argument("--namespace", default=settings.temporal_namespace)
    parser.add_argument("--submission", help="a submission's workflow id (default: one picked)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--web", default=settings.public_url, help="the web app (codec endpoint)")
    parser.add_argument(
        "--staff", help="a staff account's address, to sign in (default: the demo's admin)"
    )
    parser.add_argument("--password-stdin", action="store_true", help="read its password there")
    args = parser.parse_args()
    if args.staff is None:
        if not DEMO_STAFF.exists():
            parser.error(f"--staff: no staff account given, and no demo's admin ({DEMO_STAFF})")
        access = json.loads(DEMO_STAFF.read_text())
        args.staff, password = access["email"], access["password"]
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password of {args.staff}: ")
    staff = (args.web.rstrip("/"), args.staff, password)
    args.out.mkdir(parents=True, exist_ok=True)
    rows, submission = asyncio.run(
        take(args.ui.rstrip("/"), args.namespace, args.session, args.submission, args.out, staff)
    )
    for name, count in rows.items():
        print(f"{args.out / name}: {count} workflows")
    print(f"{args.out / 'submission-timeline.png'}, submission-metadata.png: {submission}")


if __name__ == "__main__":
    main()
