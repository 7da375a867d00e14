"""The producer-door benchmark's parts beside its stack (bench/web.py runs them): the programme
copies that open N offers at once; who answers what, how many times and from which loopback
address; the load itself; and what the timings and the audit trail add up to."""

from __future__ import annotations

import asyncio
import math
import random
import re
import ssl
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bench.pipeline_meters import CpuMeter, percentile, process_cpu
from demo.producers import FORM_TOKEN
from domain.eligibility import evaluate
from intake.batch import validate_records
from intake.generate import generate
from models.eligibility import EligibilityContext, Outcome
from models.programme import Programme
from models.submission import SubmissionForm
from settings import PROJECT_ROOT

ANSWERED = 'id="answer"'  # the offer page once it shows the answer given
REFUSED = re.compile(r'id="refused">([^<]*)<')
CLICKS = 10  # an impatient producer's clicks, sent at once
# The dev server's Prometheus series that say what the answers' updates cost it: name, labels.
UPDATE = 'operation="UpdateWorkflowExecution'
SERIES = {
    "updates received (frontend)": ("operation", UPDATE, 'service_name="frontend'),
    "refused at the in-flight limit (ResourceExhausted, retried)": (
        "service_errors_resource_exhausted",
        UPDATE,
        'service_name="frontend',
    ),
    "aborted by the server (Unavailable, retried)": (
        "service_error_with_type",
        'error_type="serviceerror_Unavailable',
        UPDATE,
        'service_name="frontend',
    ),
    "sent to the worker": ("request_workflow_update_message",),
    "outcome polls": (
        "operation",
        'operation="PollWorkflowExecutionUpdate',
        'service_name="frontend',
    ),
}
T = TypeVar("T")  # what a phase of load returns (bench/web.py: a Run)
MAX_SLOTS = 100  # models/programme.py: a programme's `slots` is at most 100


@dataclass(frozen=True)
class Producer:
    film: str
    session_id: str
    link: str
    answer: str  # confirm | decline
    clicks: int
    address: str  # the loopback address their requests come from


def address_of(index: int) -> str:
    """A loopback address of the producer's own (Linux routes all of 127/8 to `lo`): the web
    app's throttle counts answers per address, as it would for producers at home."""
    return f"127.10.{index // 250}.{index % 250 + 1}"


def plan(
    offers: list[tuple[str, str, str]], seed: int, decline_every: int, click_every: int
) -> list[Producer]:
    """One producer per (film, session, link), in a shuffled order that mixes the sessions: one
    in `decline_every` declines, one in `click_every` clicks CLICKS times at once."""
    rng = random.Random(seed)
    producers = [
        Producer(
            film=film,
            session_id=session,
            link=link,
            answer="decline" if rng.random() < 1 / decline_every else "confirm",
            clicks=CLICKS if rng.random() < 1 / click_every else 1,
            address=address_of(i),
        )
        for i, (film, session, link) in enumerate(sorted(offers))
    ]
    rng.shuffle(producers)
    return producers


@dataclass
class Hit:
    """One timed request: the answer's POST, or in the baseline the GET that stands for it."""

    film: str
    seconds: float
    status: int
    taken: bool  # 200, and the page shows the answer (the baseline: 200 "ok")
    note: str = ""  # a refusal: its status and what the page said


@dataclass
class Run:
    """One phase of load: every producer once, `concurrency` of them at a time."""

    wall: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    pages: list[float] = field(default_factory=list)  # the untimed-by-rate first GETs
    errors: list[str] = field(default_factory=list)  # transport errors, first few kept

    @property
    def rate(self) -> float:
        return len(self.hits) / self.wall if self.wall else 0.0

    def ms(self, q: float, pages: bool = False) -> float:
        values = self.pages if pages else [h.seconds for h in self.hits]
        return 1000 * percentile(values, q) if values else float("nan")

    def statuses(self) -> dict[str, int]:
        return {str(k): v for k, v in sorted(Counter(h.status for h in self.hits).items())}

    def not_taken(self) -> int:
        return sum(not h.taken for h in self.hits)


def tally(producers: list[Producer], recorded: dict[str, list[str]], run: Run) -> dict[str, Any]:
    """Against the audit trail (film -> to_states 'confirmed'/'declined' recorded for it): the
    producers whose answer is missing (and of them, those a page told it was taken), recorded
    more than once, or recorded as the other one; and the refusals the pages gave, by text."""
    lost = [p.film for p in producers if not recorded.get(p.film)]
    told = {h.film for h in run.hits if h.taken}
    refusals = Counter(h.note for h in run.hits if not h.taken)
    doubled = [p.film for p in producers if len(recorded.get(p.film, [])) > 1]
    wanted = {"confirm": "confirmed", "decline": "declined"}
    wrong = [
        p.film
        for p in producers
        if recorded.get(p.film) and set(recorded[p.film]) != {wanted[p.answer]}
    ]
    return {
        "lost": lost,
        "lost_though_told_taken": [f for f in lost if f in told],
        "doubled": doubled,
        "wrong": wrong,
        "refusals": dict(refusals.most_common()),
        "refusal_p50_s": round(percentile([h.seconds for h in run.hits if not h.taken], 0.5), 2)
        if refusals
        else None,
    }


def phase_figures(run: Run, producers: int) -> dict[str, Any]:
    return {
        "requests": len(run.hits),
        "wall_s": round(run.wall, 3),
        "requests_per_s": round(run.rate, 2),
        "producers_per_s": round(producers / run.wall, 2) if run.wall else 0.0,
        "p50_ms": round(run.ms(0.5), 1),
        "p99_ms": round(run.ms(0.99), 1),
        "first_get_p50_ms": round(run.ms(0.5, pages=True), 1),
        "first_get_p99_ms": round(run.ms(0.99, pages=True), 1),
        "statuses": run.statuses(),
        "not_taken": run.not_taken(),
        "transport_errors": len(run.errors),
    }


def report_of(
    producers: list[Producer],
    phases: dict[str, tuple[Run, dict[str, float]]],
    recorded: dict[str, list[str]],
    **facts: Any,
) -> dict[str, Any]:
    """The figures of a run: each phase's (its load, its CPU seconds by part), the audit trail's
    answers per film, and the run's facts (sessions, concurrency, server, history, web_log,
    setup and wall seconds)."""
    runs = {phase: run for phase, (run, _) in phases.items()}
    baseline, answers = runs["baseline"], runs["answers"]
    return {
        "offers": len(producers),
        "sessions": facts["sessions"],
        "concurrency": facts["concurrency"],
        "decliners": sum(p.answer == "decline" for p in producers),
        "clickers": sum(p.clicks > 1 for p in producers),
        "server": "python -c (generous throttle), one address"
        if facts["one_address"]
        else "starter.py web, an address per producer",
        **{phase: phase_figures(run, len(producers)) for phase, run in runs.items()},
        "ratio": round(answers.rate / baseline.rate, 4) if baseline.rate else 0.0,
        "cpu_ms_per_request": {
            phase: {part: round(1000 * s / max(1, len(run.hits)), 2) for part, s in cpu.items()}
            for phase, (run, cpu) in phases.items()
        },
        "check": {
            "recorded": sum(1 for p in producers if recorded.get(p.film)),
            **tally(producers, recorded, answers),
        },
        "errors": (baseline.errors + answers.errors)[:5],
        "web_log_errors": log_errors(facts["web_log"]),
        "server_update_metrics": facts["metrics"],
        "setup_s": round(facts["setup"], 1),
        "wall_s": round(facts["wall"], 1),
    }


def render(report: dict[str, Any]) -> str:
    """The table bench/web.py prints."""
    b, a, c = report["baseline"], report["answers"], report["check"]
    cpu = report["cpu_ms_per_request"]

    def row(label: str, key: str, form: str = "{:.1f}") -> tuple[str, str, str]:
        return label, form.format(b[key]), form.format(a[key])

    rows = [
        row("timed requests", "requests", "{}"),
        row("wall time (s)", "wall_s"),
        row("requests/s (GET /healthz | answer POSTs)", "requests_per_s"),
        row("producers/s (answers/s)", "producers_per_s"),
        row("p50 (ms)", "p50_ms"),
        row("p99 (ms)", "p99_ms"),
        row("first GET (/healthz | offer page) p50 (ms)", "first_get_p50_ms"),
        row("first GET (/healthz | offer page) p99 (ms)", "first_get_p99_ms"),
        *[
            (f"CPU ms per request: {part}", f"{ms:.1f}", f"{cpu['answers'][part]:.1f}")
            for part, ms in cpu["baseline"].items()
        ],
        ("statuses", _codes(b["statuses"]), _codes(a["statuses"])),
        row("not taken", "not_taken", "{}"),
        row("transport errors", "transport_errors", "{}"),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [
        f"{report['offers']} offers open in {report['sessions']} session(s); "
        f"{report['concurrency']} producers at a time; {report['decliners']} decline, "
        f"{report['clickers']} click {CLICKS} times; server: {report['server']}",
        "",
        f"{'':{width}}  {'baseline':>14}  {'answers':>14}",
        *[f"{label:{width}}  {left:>14}  {right:>14}" for label, left, right in rows],
        "",
        f"ratio answer POSTs/s ÷ baseline requests/s: {report['ratio']:.3f} "
        "(the same producers, clicks and concurrency; a ratio, never a target)",
        f"answers recorded: {c['recorded']} of {report['offers']}; lost {len(c['lost'])}, "
        f"doubled {len(c['doubled'])}, recorded as the other answer {len(c['wrong'])}; "
        f"lost though a page said taken {len(c['lost_though_told_taken'])}",
        *[f"refused ×{n} (p50 {c['refusal_p50_s']} s): {why}" for why, n in c["refusals"].items()],
        f"set-up (stack, intake, review, offers) {report['setup_s']:.0f} s; "
        f"whole run {report['wall_s']:.0f} s",
        *[f"load error: {e}" for e in report["errors"]],
        *[f"web app log: {e}" for e in report["web_log_errors"]],
        "updates on the dev server during the load: "
        + ", ".join(f"{k} {v:.0f}" for k, v in report["server_update_metrics"].items()),
    ]
    return "\n".join(lines)


def log_errors(log: str) -> list[str]:
    """The first lines of the web app's log that say something failed."""
    return [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line][:5]


def _codes(statuses: dict[str, int]) -> str:
    return " ".join(f"{code}×{n}" for code, n in statuses.items()) or "-"


# --- the offers' programmes ---------------------------------------------------------------------


def session_sizes(offers: int) -> list[int]:
    """Slots per session: as few sessions as the programme's limit allows, as even as can be."""
    count = math.ceil(offers / MAX_SLOTS)
    return [offers // count + (i < offers % count) for i in range(count)]


def write_programmes(folder: Path, sizes: list[int]) -> dict[int, str]:
    """A copy of films-in-progress.toml per session size, its `slots` that size and its
    waitlist a tenth of it; the programme id of each size."""
    source = (PROJECT_ROOT / "programmes" / "films-in-progress.toml").read_text()
    folder.mkdir(parents=True, exist_ok=True)
    ids = {}
    for n, size in enumerate(sorted(set(sizes))):
        pid = "films-in-progress" if n == 0 else f"films-in-progress-{size}"
        text = re.sub(r'(?m)^id = ".*"$', f'id = "{pid}"', source, count=1)
        text = re.sub(r"(?m)^slots = \d+$", f"slots = {size}", text)
        text = re.sub(r"(?m)^waitlist_length = \d+$", f"waitlist_length = {waitlist(size)}", text)
        (folder / f"{pid}.toml").write_text(text)
        ids[size] = pid
    return ids


def waitlist(slots: int) -> int:
    return max(1, slots // 10)


def eligible_forms(programme: Programme, count: int, seed: int) -> list[SubmissionForm]:
    """`count` generated films that pass every rule of the programme at once."""
    forms, made = [], 2 * count + 20
    while len(forms) < count:
        valid = validate_records(generate(made, seed)).valid
        forms = [
            v.form
            for v in valid
            if evaluate(v.form, programme.eligibility, EligibilityContext()).outcome is Outcome.PASS
        ]
        made *= 2
    return forms[:count]


# --- the load -----------------------------------------------------------------------------------


async def play(base: str, producers: list[Producer], concurrency: int, answer: bool) -> Run:
    """Every producer once, `concurrency` at a time, each from its own address: the first GET
    (its offer page, or /healthz in the baseline), then its clicks at once, each timed."""
    run, limit = Run(), asyncio.Semaphore(concurrency)
    tls = ssl.create_default_context()  # made once: httpx would make one per client

    async def one(p: Producer) -> None:
        transport = httpx.AsyncHTTPTransport(local_address=p.address, verify=tls)
        async with (
            limit,
            httpx.AsyncClient(transport=transport, trust_env=False, timeout=120) as browser,
        ):
            try:
                began = time.perf_counter()
                page = await browser.get(p.link if answer else f"{base}/healthz")
                run.pages.append(time.perf_counter() - began)
                token = FORM_TOKEN.search(page.text)
                if page.status_code != 200 or (answer and token is None):
                    run.errors.append(f"{p.film}: its page answered {page.status_code}")
                    return
                form = {"answer": p.answer, "csrf": token.group(1)} if answer else {}
                await asyncio.gather(*(click(browser, p, form) for _ in range(p.clicks)))
            except httpx.HTTPError as exc:
                run.errors.append(f"{p.film}: {exc!r}"[:300])

    async def click(browser: httpx.AsyncClient, p: Producer, form: dict[str, str]) -> None:
        began = time.perf_counter()
        if answer:
            response = await browser.post(p.link, data=form)
            taken = response.status_code == 200 and ANSWERED in response.text
            said = REFUSED.search(response.text)
            note = "" if taken else f"{response.status_code} {said[1] if said else '(no text)'}"
        else:
            response = await browser.get(f"{base}/healthz")
            taken, note = response.status_code == 200 and response.text == "ok", ""
        seconds = time.perf_counter() - began
        run.hits.append(Hit(p.film, seconds, response.status_code, taken, note))

    began = time.perf_counter()
    await asyncio.gather(*(one(p) for p in producers))
    run.wall = time.perf_counter() - began
    return run


async def measured(
    meter: CpuMeter, web_pid: int, work: Coroutine[Any, Any, T]
) -> tuple[T, dict[str, float]]:
    """Run `work` (a phase of load) in a thread with an event loop of its own, away from the
    worker's; the CPU seconds the web app, this process, the server and PostgreSQL spent."""
    before, web = await meter.sample(), process_cpu(web_pid)
    run = await asyncio.to_thread(asyncio.run, work)
    cpu = await meter.since(before)
    parts = {"web app": process_cpu(web_pid) - web, "worker + load (this process)": cpu["worker"]}
    parts |= {"Temporal server": cpu["server"], "PostgreSQL": cpu["database"]}
    return run, parts


async def server_metrics(log: Path) -> dict[str, float]:
    """The dev server's counters on updates (SERIES), from where its banner says it serves them."""
    url = re.search(r"Temporal Metrics:\s+(http://\S+)", log.read_text(errors="replace"))  # noqa: ASYNC240
    if url is None:
        return {}
    async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
        text = (await client.get(url.group(1))).text
    found = dict.fromkeys(SERIES, 0.0)
    for line in text.splitlines():
        for label, (name, *labels) in SERIES.items():
            if line.startswith(name + "{") and all(f'{x}"' in line for x in labels):
                found[label] += float(line.rpartition(" ")[2])
    return found


def grew(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: round(v - before.get(k, 0), 3) for k, v in after.items() if v != before.get(k, 0)}
