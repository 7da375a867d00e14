"""A committee member's score sheet, judged row by row.

A committee of a dozen scores a call of thousands of films from a spreadsheet, not film by film:
one sheet carries a member's scores for many films. Each row stands or falls on its own, so a
sheet with one mistake records every other score and says, for that row, what was wrong.
"""

from __future__ import annotations

from models.sheets import MAX_SHEET_COMMENTS, MAX_SHEET_ROWS, SheetRefusal, SheetScore


def split_sheet(scores: list[SheetScore]) -> list[list[SheetScore]]:
    """A long sheet as consecutive sheets each within the row and comment caps."""
    sheets: list[list[SheetScore]] = []
    chars = 0
    for row in scores:
        length = len(row.comment or "")
        if not sheets or len(sheets[-1]) == MAX_SHEET_ROWS or chars + length > MAX_SHEET_COMMENTS:
            sheets.append([])
            chars = 0
        sheets[-1].append(row)
        chars += length
    return sheets


def judge_sheet(
    member_id: str,
    scores: list[SheetScore],
    assigned: dict[str, str],
    score_range: tuple[float, float],
    conflicts: dict[str, str] | None = None,
) -> tuple[list[SheetScore], list[SheetRefusal]]:
    """Split a sheet into the scores to record and the rows refused, with why.

    `assigned` maps each film of the sheet that is assigned to this member to the film's stage:
    only a film still under review takes a score. `conflicts` maps the films the member is kept
    from for a conflict of interest to the words that say so (domain/review.py `refusal`). A
    film twice on one sheet is judged on its first row; the second is refused rather than
    silently replacing it."""
    conflicts = conflicts or {}
    low, high = score_range
    accepted: list[SheetScore] = []
    refused: list[SheetRefusal] = []
    seen: set[str] = set()
    for index, row in enumerate(scores):
        sid, stage = row.submission_id, assigned.get(row.submission_id)
        field = "submission_id"
        if sid in seen:
            reason = "scored twice in this sheet: only its first row counts"
        elif sid in conflicts:
            reason = conflicts[sid]
        elif stage is None:
            reason = f"not assigned to {member_id} in this session"
        elif stage != "under_review":
            reason = f"this film is {stage}, not under review"
        elif not low <= row.score <= high:
            field, reason = "score", f"a score is between {low:g} and {high:g}, not {row.score:g}"
        else:
            reason = None
        seen.add(sid)
        if reason is None:
            accepted.append(row)
        else:
            refused.append(SheetRefusal(index=index, submission_id=sid, field=field, reason=reason))
    return accepted, refused
