"""Activities of a session's matching: the solver's proposal for the lineup, written as a
versioned run, and staff overrides of one pair of it, checked by `domain/overrides.py`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from activities.partnering_runs import (
    films_of,
    partners_of,
    programme_of,
    quotas_of,
    refuse,
    run_of,
    save_run,
    solving,
)
from domain import overrides
from domain.matching.affinity import affinity
from domain.matching.solve import solve
from domain.matching.types import Alternate, InfeasibleMatching, MatchOptions, Pair
from models.choices import OverrideAction
from models.orm import MatchRow, PartneringRunRow
from models.partnering import RunStatus, RunSummary
from models.partnering_io import OverrideInput, ProposeInput
from models.partners import offer_of
from store import repository


class MatchingActivities:
    def __init__(self, database: async_sessionmaker) -> None:
        self._database = database

    @activity.defn
    async def propose_matches(self, data: ProposeInput) -> RunSummary:
        """Solve the matching for the lineup and write it as a proposal (version `version`)."""
        async with self._database() as db:
            if (done := await run_of(db, data.session_id, "matching", data.version)) is not None:
                return done
            programme = await programme_of(db, data.session_id)
            config = programme.partnering
            films = await films_of(db, data.lineup, config.partners_per_film)
            offers = [offer_of(data.session_id, p) for p in await partners_of(db, data.session_id)]
        if not offers:
            raise refuse(
                f"{data.session_id} has no partners: import them first "
                f"(starter.py partners import FILE --session {data.session_id})",
                "NoPartners",
            )
        options = MatchOptions(
            quotas=quotas_of(programme),
            fairness=config.fairness if data.fairness is None else data.fairness,
            alternates=config.alternates,
        )
        try:
            result = await solving(solve, films, offers, options)
        except InfeasibleMatching as exc:
            raise refuse(str(exc), "InfeasibleMatching") from None
        summary = RunSummary(
            kind="matching",
            version=data.version,
            status=RunStatus.PROPOSED,
            counts={f.id: sum(p.film == f.id for p in result.pairs) for f in films},
            objective=result.objective,
            bound=result.bound,
            optimal=result.optimal,
            worst_film=result.worst_film,
            seconds=result.seconds,
        )
        rows = [
            _match_row(data.session_id, data.version, choice, role)
            for role, choices in (("match", result.pairs), ("alternate", result.alternates))
            for choice in choices
        ]
        async with self._database.begin() as db:
            if (done := await run_of(db, data.session_id, "matching", data.version)) is not None:
                return done
            await repository.insert_ignore(
                db, MatchRow, rows, ["session_id", "version", "submission_id", "partner_id"]
            )
            await save_run(db, data.session_id, summary, data.at, data.actor)
        return summary

    @activity.defn
    async def override_match(self, data: OverrideInput) -> RunSummary:
        """Staff add or remove one pair of a proposal. Conflicts of interest, opt-outs and
        capacities still hold; a quota the change leaves unmet is reported, not refused."""
        request, sid = data.request, data.session_id
        async with self._database.begin() as db:
            run = await db.get(PartneringRunRow, (sid, "matching", data.version))
            pairs = (
                await db.scalars(
                    select(MatchRow).where(
                        MatchRow.session_id == sid, MatchRow.version == data.version
                    )
                )
            ).all()
            partners = {p.id: p for p in await partners_of(db, sid)}
            programme = await programme_of(db, sid)
            if request.partner_id not in partners:
                raise refuse(f"{request.partner_id} is not a partner of {sid}", "UnknownPartner")
            films = await films_of(
                db, [request.submission_id], programme.partnering.partners_per_film
            )
            if not films:
                raise refuse(f"{request.submission_id} is not a film of {sid}", "UnknownFilm")
            film, partner = films[0], offer_of(sid, partners[request.partner_id])
            chosen = [m for m in pairs if m.role == "match"]
            existing = next(
                (m for m in pairs if m.submission_id == film.id and m.partner_id == partner.id),
                None,
            )
            note = f"{request.action.value} by {request.actor}: {request.reason}"
            if request.action is OverrideAction.ADD:
                if existing is not None and existing.role == "match":
                    return RunSummary.model_validate(run.summary)
                pairs_now = [(m.submission_id, m.partner_id) for m in chosen]
                if (no := overrides.add_refusal(film, partner, pairs_now)) is not None:
                    raise refuse(no.message, no.kind)
                fit = affinity(film, partner)
                if existing is None:
                    existing = MatchRow(
                        session_id=sid,
                        version=data.version,
                        submission_id=film.id,
                        partner_id=partner.id,
                        affinity=fit.score,
                        reasons=list(fit.reasons),
                    )
                    db.add(existing)
                existing.role, existing.why_not = "match", None
                existing.reasons = [*existing.reasons, note]
            else:
                if existing is not None and existing.role == "removed":
                    return RunSummary.model_validate(run.summary)  # a retry of this removal
                role = None if existing is None else existing.role
                if (no := overrides.remove_refusal(film.title, partner.name, role)) is not None:
                    raise refuse(no.message, no.kind)
                existing.role, existing.why_not = "removed", note
            await db.flush()
            chosen = (
                await db.scalars(
                    select(MatchRow).where(
                        MatchRow.session_id == sid,
                        MatchRow.version == data.version,
                        MatchRow.role == "match",
                    )
                )
            ).all()
            summary = RunSummary.model_validate(run.summary)
            counts = {f: 0 for f in summary.counts}
            for m in chosen:
                counts[m.submission_id] = counts.get(m.submission_id, 0) + 1
            summary = summary.model_copy(
                update={
                    "counts": counts,
                    "objective": sum(m.affinity for m in chosen),
                    "optimal": False,
                    "warnings": overrides.quota_warnings(
                        film.title,
                        [partners[m.partner_id].kind for m in chosen if m.submission_id == film.id],
                        programme.partnering.quotas,
                    ),
                }
            )
            run.summary = summary.model_dump(mode="json")
            await repository.audit(
                db,
                key=f"{sid}:matching:{data.version}:{request.action.value}:{film.id}:{partner.id}",
                at=data.at,
                actor=request.actor,
                entity_type="session",
                entity_id=sid,
                action=f"match_{request.action.value}",
                reason=f"{film.title} / {partner.name}: {request.reason}",
            )
        return summary

    def all(self) -> list:
        return [self.propose_matches, self.override_match]


def _match_row(session_id: str, version: int, choice: Pair | Alternate, role: str) -> dict:
    return dict(
        session_id=session_id,
        version=version,
        submission_id=choice.film,
        partner_id=choice.partner,
        role=role,
        affinity=choice.affinity,
        reasons=list(choice.reasons),
        why_not=getattr(choice, "why_not", None),
    )
