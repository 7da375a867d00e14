"""How names compare: "Cine Sur S.A." and "cine sur sa" are the same company.

Conflicts of interest in review (domain/review.py) and in matching (domain/matching/) compare
people and companies this way, and partners' and films' names are stored normalised
(models/partners.py).
"""

from __future__ import annotations

import re
import unicodedata

# Legal forms that do not make two companies different ("Cine Sur S.A." is "Cine Sur").
LEGAL_FORMS = {"sa", "sl", "sas", "sarl", "ltda", "ltd", "llc", "inc", "srl", "spa", "gmbh"}


def normalise_name(text: str) -> str:
    """Names as conflicts of interest compare them: no case, accents, punctuation or legal form."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = re.sub(r"[.'’]", "", plain)  # "S.A." is "SA"
    return " ".join(w for w in re.sub(r"[^\w]+", " ", plain).split() if w not in LEGAL_FORMS)
