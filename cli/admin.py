"""Administration: the schema, the programmes, the embedded dev stack and the demo."""

from __future__ import annotations

import json

from rich.table import Table

from cli.common import JsonFlag, command, emit, group, out

db_app = group("db")
programmes_app = group("programmes")
dev_app = group("dev")


@command(db_app, "upgrade")
async def db_upgrade(as_json: JsonFlag = False) -> None:
    """Create or migrate the schema to the latest revision (idempotent)."""
    from actions.admin import upgrade_schema
    from settings import get_settings

    await upgrade_schema(get_settings())
    emit({"database": "at head"}, as_json, lambda: out.print("database schema is up to date"))


@command(programmes_app, "list")
async def programmes_list(as_json: JsonFlag = False) -> None:
    """The programmes wipflow knows, from programmes/*.toml (validated)."""
    from readmodels.programmes import programme_lines
    from settings import get_settings

    rows = programme_lines(get_settings())

    def render() -> None:
        table = Table("id", "name", "slots", "sessions", "rules")
        for r in rows:
            table.add_row(r.id, r.name, str(r.slots), ", ".join(r.sessions), ", ".join(r.rules))
        out.print(table)

    emit(rows, as_json, render)


@command(programmes_app, "show")
async def programmes_show(programme_id: str, as_json: JsonFlag = False) -> None:
    """One programme's rules with their sources, and its session calendars."""
    from readmodels.programmes import programme as read_programme
    from settings import get_settings

    programme = read_programme(get_settings(), programme_id)

    def render() -> None:
        out.print(
            f"[bold]{programme.name}[/bold] ({programme.id}), {programme.slots} slots, "
            f"fix window {programme.fix_window_days} days"
        )
        table = Table("rule", "parameters", "source")
        for rule_id, rule in programme.eligibility:
            if rule is None:
                continue
            params = rule.model_dump(mode="json", exclude={"source"})
            confirmed = "" if rule.source.confirmed else " [yellow](unconfirmed)[/yellow]"
            table.add_row(
                rule_id, json.dumps(params, ensure_ascii=False), f"{rule.source.url}{confirmed}"
            )
        out.print(table)
        for template in programme.sessions:
            dates = ", ".join(
                f"{name} {d.day:02d}/{d.month:02d}" + (" (year before)" if d.year_offset else "")
                for name, d in (
                    ("call opens", template.call_opens),
                    ("deadline", template.deadline),
                    ("review", template.review_deadline),
                    ("selection", template.selection_announced),
                    ("event", template.event_start),
                )
            )
            out.print(
                f"session [bold]{template.key}[/bold] ({template.city}, "
                f"{template.event_days} days): {dates}"
            )

    emit(programme, as_json, render)


@command(dev_app, "up")
async def dev_up(as_json: JsonFlag = False) -> None:
    """Start (or reuse) the Temporal dev server and a worker in the background."""
    import devserver
    from settings import get_settings

    lines = [devserver.ensure_server(get_settings()), devserver.ensure_worker()]
    emit({"status": lines}, as_json, lambda: [out.print(line) for line in lines])


@command(dev_app, "down")
async def dev_down(as_json: JsonFlag = False) -> None:
    """Stop the worker and dev server that `dev up` or the demo started."""
    import devserver

    stopped = devserver.stop_all()
    emit(
        {"stopped": stopped},
        as_json,
        lambda: out.print(f"stopped {', '.join(stopped)}" if stopped else "nothing was running"),
    )
