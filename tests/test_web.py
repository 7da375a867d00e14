"""The web face's guard rails, served by uvicorn on loopback: links that open nothing (tampered,
foreign, expired) get pages that say so in the reader's language and reveal nothing; every
response carries the security headers; a post too large is a 413 page; a form posted without its
cookie is refused. The pages' words come from complete catalogs. No Temporal server is needed:
a link is refused before anything is read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from gateway.context import Context
from notifications.catalogs import LOCALES
from notifications.links import GRACE, Purpose, Signer
from notifications.stages import LANGUAGES
from settings import PROJECT_ROOT, Settings
from web.app import create_app
from web.serve import serving

FILM = "films-in-progress/toulouse-2027/la-sirga-82004e8dcb"
KEYS = {"k1": "a key for the tests of the web face"}
SETTINGS = Settings(link_keys=KEYS, link_key_id="k1")


@pytest.fixture
async def web() -> httpx.AsyncClient:
    async with (
        serving(create_app(ctx=Context(SETTINGS))) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        yield client


def token(deadline: datetime, purpose: Purpose = Purpose.OFFER) -> str:
    return Signer(KEYS, "k1").sign(FILM, purpose, "1", deadline)


@pytest.mark.integration
async def test_a_tampered_link_is_403_and_names_no_film(web):
    good = token(datetime.now(UTC) + timedelta(days=3))
    bad = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    page = await web.get(f"/answer/{bad}")
    assert page.status_code == 403
    assert "This link is not valid" in page.text and "sirga" not in page.text.lower()
    assert '<html lang="en">' in page.text


@pytest.mark.integration
async def test_a_link_for_another_purpose_or_key_is_403(web):
    other = token(datetime.now(UTC) + timedelta(days=3), Purpose.AWARD)
    assert (await web.get(f"/answer/{other}")).status_code == 403
    foreign = Signer({"k9": "someone else's key"}, "k9").sign(
        FILM, Purpose.OFFER, "1", datetime.now(UTC) + timedelta(days=3)
    )
    assert (await web.get(f"/answer/{foreign}")).status_code == 403


@pytest.mark.integration
async def test_a_link_past_its_grace_is_410_in_the_chosen_language(web):
    old = token(datetime.now(UTC) - GRACE - timedelta(days=1))
    page = await web.get(f"/answer/{old}", params={"lang": "pt"})
    assert page.status_code == 410
    assert '<html lang="pt">' in page.text and "Este link expirou" in page.text


@pytest.mark.integration
async def test_every_response_carries_the_security_headers(web):
    for path in ("/healthz", "/answer/nothing", "/nowhere", "/static/site.css"):
        headers = (await web.get(path)).headers
        assert "default-src 'none'" in headers["content-security-policy"], path
        assert headers["referrer-policy"] == "no-referrer", path  # tokens never leave
        assert (
            headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        )


@pytest.mark.integration
async def test_an_unknown_page_is_a_404_page(web):
    page = await web.get("/nowhere", params={"lang": "es"})
    assert page.status_code == 404 and "Página no encontrada" in page.text


@pytest.mark.integration
async def test_a_five_megabyte_post_is_refused_with_a_413_page(web):
    url = f"/answer/{token(datetime.now(UTC) + timedelta(days=3))}"
    page = await web.post(url, data={"answer": "confirm", "reason": "x" * (5 * 1024 * 1024)})
    assert page.status_code == 413 and "Too much data" in page.text


@pytest.mark.integration
async def test_a_large_post_without_a_length_is_refused_as_it_streams_in(web):
    url = f"/answer/{token(datetime.now(UTC) + timedelta(days=3))}"

    async def chunks():
        for _ in range(5):
            yield b"reason=" + b"x" * (1024 * 1024)

    page = await web.post(url, content=chunks(), headers={"content-type": "text/plain"})
    assert "content-length" not in page.request.headers  # sent chunked
    assert page.status_code == 413 and "Too much data" in page.text


@pytest.mark.integration
async def test_answers_are_throttled_per_link_and_per_address():
    """A producer's ten clicks pass; the eleventh post on one link in a minute is a 429 page,
    and so is an address trying many links."""
    from web.security import Throttle

    app = create_app(ctx=Context(SETTINGS), throttle=Throttle("10/minute", "15/minute"))
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        one = f"/answer/{token(datetime.now(UTC) + timedelta(days=3))}"
        codes = [
            (await client.post(one, data={"answer": "confirm"})).status_code for _ in range(11)
        ]
        assert codes[:10] == [403] * 10 and codes[10] == 429  # 403: no form cookie, not throttled
        others = [f"/answer/other-{i}" for i in range(5)]
        codes = [(await client.post(u, data={"answer": "confirm"})).status_code for u in others]
        assert codes[:4] == [403] * 4 and codes[4] == 429  # the address's 15 in the minute
        page = await client.post(others[0], data={"answer": "confirm"}, params={"lang": "fr"})
        assert page.status_code == 429 and "Trop de tentatives" in page.text


@pytest.mark.integration
async def test_committee_members_sharing_an_address_are_throttled_each_on_their_own():
    """Members of a committee in one office share its address: a member's answers count against
    that member and that film, not the office; a token not ours still counts by address."""
    from web.security import Throttle

    app = create_app(ctx=Context(SETTINGS), throttle=Throttle("10/minute", "5/minute"))
    until = datetime.now(UTC) + timedelta(days=3)
    members = [
        Signer(KEYS, "k1").sign("films-in-progress/toulouse-2027", Purpose.REVIEW, m, until)
        for m in ("ana", "beto", "caro")
    ]
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:

        async def post(token: str, film: str) -> int:
            sent = await client.post(
                f"/review/{token}/score", data={"submission_id": film, "score": "7"}
            )
            return sent.status_code

        # 403: no form cookie, so nothing is read; 429: throttled.
        codes = [await post(t, f"film-{i}") for t in members[:2] for i in range(5)]
        assert codes == [403] * 10  # ten answers from one address, five per member
        assert await post(members[0], "film-5") == 429  # ana's own allowance is spent
        assert await post(members[2], "film-0") == 403  # caro's is not
        assert [await post(f"not-ours-{i}", "film-0") for i in range(6)] == [403] * 5 + [429]


@pytest.mark.integration
async def test_a_form_without_its_cookie_is_refused_and_nothing_is_read(web):
    url = f"/answer/{token(datetime.now(UTC) + timedelta(days=3))}"
    page = await web.post(url, data={"answer": "confirm", "csrf": "forged"})
    assert page.status_code == 403 and "This form has expired" in page.text


def test_every_word_of_the_pages_is_in_every_catalog():
    """What `make catalogs` would extract today (babel.cfg's sources: the pages, and the
    eligibility reasons the messages and pages print) is what the catalogs translate: no word
    left in English in es, pt or fr, and none translated that nothing says any more."""
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options = parse_mapping_cfg(cfg)
    said = {
        message
        for _, _, message, _, _ in extract_from_dir(PROJECT_ROOT, method_map, options)
        if isinstance(message, str)
    }
    assert said, "nothing extracted: the method map no longer matches the sources"
    for lang in LANGUAGES:
        with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=lang)
        translated = {m.id: m.string for m in catalog if m.id}
        assert set(translated) == said, lang
        assert all(translated.values()), [k for k, v in translated.items() if not v]
        assert not any(m.fuzzy for m in catalog if m.id), lang


def test_a_films_title_is_text_on_the_page_never_markup():
    """A title is the producer's own words: shown, never run (Jinja's autoescape, and the
    translations' newstyle gettext escaping what it is given)."""
    from models.messages import FilmStage
    from notifications.links import LinkState
    from readmodels.answers import OfferPage
    from web.i18n import NAMES, environment

    shown = OfferPage(
        submission_id=FILM,
        film='<script>alert("x")</script>',
        session="Films in Progress — Toulouse 2027",
        language="es",
        timezone="Europe/Paris",
        confirm_by=datetime(2027, 3, 8, 17, tzinfo=UTC),
        event_start=datetime(2027, 3, 25, 9, tzinfo=UTC),
        event_end=datetime(2027, 3, 26, 18, tzinfo=UTC),
        stage=FilmStage.OFFERED,
        link=LinkState.OPEN,
        answer=None,
    )
    html = (
        environment("es")
        .get_template("offer.html.j2")
        .render(
            lang="es",
            languages=list(NAMES.items()),
            csrf="t",
            timezone=shown.timezone,
            page=shown,
            refused="",
            film_url="/film/t",
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "8 de marzo de 2027, 18:00 (CET)" in html  # the deadline in the session's zone


def test_a_reason_as_a_browser_sends_it_is_made_text():
    """CRLF line breaks, Word's soft breaks and form feeds never fail an answer (a 500 before):
    the reason becomes text the session's update accepts, at most 1,000 characters."""
    from actions.answers import plain_reason
    from models.session import AnswerInput

    pasted = "Otro financiamiento\r\nllegó\x0bantes\x0c  "
    assert plain_reason(pasted) == "Otro financiamiento\nllegó antes"
    AnswerInput(submission_id=FILM, reason=plain_reason(pasted + "x\r\n" * 600))
    assert len(plain_reason("x\r\n" * 600)) == 1000
