"""Ranking the committee's scores into the order the slots are offered in.

The order is total and documented, so two runs over the same scores always give the same list and
staff can explain any position:

1. films staff pinned come first (a pin needs a reason), in the order below among themselves;
2. a higher aggregate score (mean or median of the film's reviews, as the session says);
3. more reviews (a score several members agree on outweighs a single one);
4. a higher lowest score (fewer strong objections);
5. the earlier submission;
6. the submission id, so that no two films ever tie.

Films with no score rank after every scored film; films staff excluded (with a reason) are left
out of the ranking altogether.
"""

from __future__ import annotations

from statistics import mean, median

from models.ranking import Aggregate, RankedFilm, ScoredFilm


def rank(
    films: list[ScoredFilm],
    method: Aggregate,
    *,
    pinned: set[str] = frozenset(),
    excluded: set[str] = frozenset(),
) -> list[RankedFilm]:
    combine = mean if method is Aggregate.MEAN else median

    def key(film: ScoredFilm):
        scored = bool(film.scores)
        aggregate = combine(film.scores) if scored else 0.0
        lowest = min(film.scores) if scored else 0.0
        return (
            film.submission_id not in pinned,
            not scored,
            -aggregate,
            -len(film.scores),
            -lowest,
            film.submitted_at,
            film.submission_id,
        )

    kept = sorted((f for f in films if f.submission_id not in excluded), key=key)
    return [
        RankedFilm(
            submission_id=f.submission_id,
            position=i,
            aggregate=round(combine(f.scores), 4) if f.scores else None,
            reviews=len(f.scores),
            pinned=f.submission_id in pinned,
        )
        for i, f in enumerate(kept, start=1)
    ]
