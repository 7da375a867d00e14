"""Realistic generated submissions for the demo, the end-to-end tests and the benchmarks.

Seeded, so a run is reproducible. Most films are eligible; a share is ineligible for different
reasons (too short, not Latin American enough, still shooting, only an assembly) and a share needs
a fix (a download link, missing subtitles, a cut under an hour), as a real call receives them.
"""

from __future__ import annotations

import random
from typing import Any

TITLES = [
    "La sombra del río",
    "Os dias de chuva",
    "El último verano",
    "Tierra quebrada",
    "A casa amarela",
    "Los que se quedan",
    "Memoria del agua",
    "O silêncio das pedras",
    "Camino al norte",
    "La huella",
    "Noche de cumbia",
    "Maré alta",
    "El pozo",
    "Las hijas del viento",
    "Sertão de dentro",
    "Frontera",
    "Los cerros azules",
    "A última colheita",
    "Ceniza",
    "El año del perro",
    "Ruido blanco",
    "Mangue",
    "La casa de los espejos",
    "Tempo de seca",
    "Altiplano",
    "El silencio del puerto",
    "Carnaval",
    "Lluvia ácida",
    "Os invisíveis",
    "La forastera",
    "Páramo",
    "Hilos de sal",
    "La isla interior",
]
FIRST = [
    "Ana",
    "Lucía",
    "Mateo",
    "João",
    "Camila",
    "Diego",
    "Valentina",
    "Tomás",
    "Inés",
    "Rafael",
    "Mariana",
    "Julián",
    "Beatriz",
    "Sofía",
    "Andrés",
    "Renata",
    "Emilio",
    "Florencia",
]
LAST = [
    "García",
    "Souza",
    "Rodríguez",
    "Pereira",
    "Quispe",
    "Martínez",
    "Oliveira",
    "Gómez",
    "Ramírez",
    "Silva",
    "Castro",
    "Mamani",
    "Fernández",
    "Costa",
    "Herrera",
    "Vargas",
]
COMPANIES = [
    "Cine Sur",
    "Filmes do Caminho",
    "Rio Bravo Films",
    "La Vaca Producciones",
    "Tarumã Filmes",
    "Altamar Cine",
    "Niña Bonita Films",
    "Cordillera Producciones",
]
LATAM = {
    "AR": "es",
    "BR": "pt",
    "CL": "es",
    "CO": "es",
    "MX": "es",
    "PE": "es",
    "UY": "es",
    "BO": "es",
    "VE": "es",
    "CU": "es",
    "EC": "es",
    "GT": "es",
}
EUROPE = ["FR", "ES", "DE", "PT", "NL"]
NEEDS = ["grading", "sound_edit", "sound_mix", "music", "vfx", "subtitling", "dcp"]

# How the generated call is made up; the rest is eligible.
FLAWS = {
    "too_short": 0.05,
    "not_latam": 0.05,
    "still_shooting": 0.04,
    "assembly_only": 0.04,
    "download_link": 0.07,
    "no_subtitles": 0.06,
    "short_cut": 0.05,
}


def generate(count: int, seed: int = 2027) -> list[dict[str, Any]]:
    """`count` submission forms as JSON-ready dicts, each with a distinct title."""
    rng = random.Random(seed)
    return [_one(rng, i) for i in range(count)]


def _unsold(index: int, country: str) -> list[str]:
    """Where the film still needs a buyer: drawn from its own generator, so adding it left every
    other generated value as it was."""
    own = random.Random(f"unsold-{index}")
    markets = ["ES", "FR", "DE", "IT", "US", "GB", "MX", "AR", "BR", "CO", "CL", "JP"]
    return sorted(set(own.sample(markets, own.randint(3, 8))) - {country})


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _one(rng: random.Random, index: int) -> dict[str, Any]:
    flaw = rng.choices([*FLAWS, None], weights=[*FLAWS.values(), 1 - sum(FLAWS.values())])[0]
    country = rng.choice(list(LATAM))
    title = TITLES[index % len(TITLES)] + (
        f" {index // len(TITLES) + 1}" if index >= len(TITLES) else ""
    )
    language = LATAM[country]
    if flaw == "no_subtitles" or (country in {"PE", "BO"} and rng.random() < 0.3):
        language = "qu"  # Quechua dialogue: the committee needs subtitles
    producers = [
        {
            "company": rng.choice(COMPANIES),
            "country": country,
            "share_pct": 70,
            "majority": True,
            "contact_email": f"prod{index}@example.org",
        },
        {"company": "Les Films du Sud", "country": rng.choice(EUROPE), "share_pct": 30},
    ]
    if flaw == "not_latam":
        producers = [{"company": "Nordlicht Film", "country": "DE", "share_pct": 100}]
    director = _person(rng)
    budget = rng.randrange(150_000, 1_200_000, 10_000)
    return {
        "original_title": title,
        "english_title": None,
        "genre": rng.choice(["fiction", "fiction", "fiction", "documentary"]),
        "dialogue_languages": [language],
        "runtime_expected_min": 52 if flaw == "too_short" else rng.randrange(72, 130),
        "cut_runtime_min": 41 if flaw == "short_cut" else rng.randrange(70, 140),
        "shooting_completed": flaw != "still_shooting",
        "post_stage": "assembly"
        if flaw == "assembly_only"
        else rng.choice(["first_cut", "rough_cut", "fine_cut", "picture_lock"]),
        "logline": f"A story from {country}, told by {director}.",
        "synopsis": "Shot and edited; post-production funding is what is missing.",
        "screener": {
            "url": f"https://wetransfer.com/downloads/{index:04d}"
            if flaw == "download_link"
            else f"https://vimeo.com/{800000000 + index}",
            "access": "password",
            "password": f"wip-{index:04d}",
            "subtitles": [] if flaw == "no_subtitles" or language == "es" else ["en"],
        },
        "directors": [
            {"name": director, "nationality": country, "first_feature": rng.random() < 0.6}
        ],
        "producers": producers,
        "finance": {
            "currency": "EUR",
            "total_budget": budget,
            "secured": budget * 7 // 10,
            "post_budget_missing": budget * 3 // 10,
        },
        "post_needs": rng.sample(NEEDS, rng.randint(1, 4)),
        "history": {"territories_unsold": _unsold(index, country)},
        "contact": {
            "name": _person(rng),
            "email": f"contact{index}@example.org",
            "phone": f"+33 5 61 {index:04d} 77",
            "language": rng.choice(["es", "pt", "fr", "en"]) if country != "BR" else "pt",
        },
    }
