"""Partners files, what matching reads of films and partners, and the awards' own rules: pure,
without Temporal or a database."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from activities.meeting_runs import event_grid
from domain.awards import award_refusals
from domain.matching.affinity import conflict
from intake.batch import csv_records
from intake.partners import LIST_FIELDS, validate_partners
from models.matching import PartnerKind
from models.names import normalise_name
from models.partners import PartnerForm, needs_of, offer_of
from models.programme import AwardConfig, Programme, SessionCalendar
from models.submission import SubmissionForm
from tests.forms import form_dict

SALES = dict(id="ff", name="Film Factory", kind="sales_agent", company="Film Factory", capacity=2)


def refusal(**fields) -> str:
    with pytest.raises(ValidationError) as exc:
        PartnerForm.model_validate({**SALES, "territories": ["ES"], **fields})
    return str(exc.value)


def test_a_partner_row_is_refused_with_its_reason():
    assert "must list the services" in refusal(kind="post_house")
    assert "territories it covers" in refusal(territories=[])
    assert "between 0 and 1" in refusal(bids={"a-film": 1.5})
    assert "capacity" in refusal(capacity=-1)
    assert "ISO 3166" in refusal(territories=["XX"])
    assert "kind" in refusal(kind="caterer")
    assert "extra" in refusal(website="https://example.org").lower()


def test_a_csv_partners_file_reads_lists_and_bids():
    text = (
        "id,name,kind,company,capacity,territories,bids,opt_outs\n"
        "ff,Film Factory,sales_agent,Film Factory,2,ES;FR,la-sirga=0.8;tony=0.5,los-perros\n"
        "tv,Ciné+,tv_buyer,Ciné+,1,FR,la-sirga=much,\n"
    )
    batch = validate_partners(csv_records(text, LIST_FIELDS), {"la-sirga", "tony", "los-perros"})
    [partner] = batch.valid
    assert partner.territories == ["ES", "FR"] and partner.bids == {"la-sirga": 0.8, "tony": 0.5}
    assert partner.opt_outs == ["los-perros"]
    [(row, fields)] = [(r.row, [e.field for e in r.errors]) for r in batch.rejected]
    assert row == 2 and fields == ["bids.la-sirga"]


def test_names_compare_without_case_accents_or_legal_form():
    assert normalise_name("Cine Sur S.A.") == normalise_name("CINE SUR") == "cine sur"
    assert normalise_name("Filmes do Caminho Ltda.") == "filmes do caminho"


def test_a_film_and_a_partner_from_one_company_conflict():
    form = SubmissionForm.model_validate(
        form_dict(producers=[{"company": "Cine Sur S.A.", "country": "AR", "share_pct": 100}])
    )
    film = needs_of("s/film", form, 6)
    same = PartnerForm.model_validate(
        {**SALES, "id": "cs", "company": "Cine Sur", "territories": ["AR"]}
    )
    other = PartnerForm.model_validate({**SALES, "territories": ["ES"]})
    assert conflict(film, offer_of("s", same)) is not None
    assert conflict(film, offer_of("s", other)) is None
    opted = PartnerForm.model_validate({**SALES, "territories": ["ES"], "opt_outs": ["film"]})
    assert offer_of("s", opted).opt_outs == frozenset({"s/film"})
    assert conflict(film, offer_of("s", opted)) is not None
    assert offer_of("s", same).kind is PartnerKind.SALES_AGENT


AWARD = dict(
    id="a", name="The Award", kind="cash", partner="P", value=1000, currency="EUR",
    source={"url": "https://example.org"},
)  # fmt: skip


def test_an_award_refuses_films_outside_its_filters(programmes):
    programme = programmes["films-in-progress"]
    majority_spanish = SubmissionForm.model_validate(
        form_dict(
            producers=[
                {"company": "A", "country": "AR", "share_pct": 40},
                {"company": "B", "country": "ES", "share_pct": 60},
            ]
        )
    )
    third = AwardConfig.model_validate({**AWARD, "filters": {"max_third_country_pct": 49}})
    [why] = award_refusals(third, majority_spanish, programme, "Tarde")
    assert "third countries hold 60%" in why and "at most 49%" in why
    brazil = AwardConfig.model_validate(
        {**AWARD, "filters": {"majority_producer_countries": ["BR"]}}
    )
    assert "requires BR" in award_refusals(brazil, majority_spanish, programme, "Tarde")[0]
    docs = AwardConfig.model_validate({**AWARD, "filters": {"genres": ["documentary"]}})
    assert "for documentary" in award_refusals(docs, majority_spanish, programme, "Tarde")[0]
    assert award_refusals(AwardConfig.model_validate(AWARD), majority_spanish, programme, "T") == []


def test_award_and_partnering_settings_are_validated(programmes):
    with pytest.raises(ValidationError, match="no deadline for services_scheduled"):
        AwardConfig.model_validate({**AWARD, "deadlines": {"services_scheduled": 30}})
    in_kind = AwardConfig.model_validate({**AWARD, "kind": "in_kind"})
    assert "services_scheduled" in [s.value for s in in_kind.steps]
    assert [s.value for s in AwardConfig.model_validate(AWARD).steps] == [
        "offered", "accepted", "contract_signed", "delivered", "evidence_received"
    ]  # fmt: skip
    data = programmes["films-in-progress"].model_dump(mode="json")
    with pytest.raises(ValidationError, match="unknown sessions lima"):
        Programme.model_validate({**data, "awards": [{**AWARD, "sessions": ["lima"]}]})
    bad_quota = {"label": "q", "kinds": ["post_house"], "min": 3, "max": 1}
    with pytest.raises(ValidationError, match="max 1 is below min 3"):
        Programme.model_validate({**data, "partnering": {"quotas": [bad_quota]}})


def test_the_meeting_grid_covers_every_event_day_in_the_session_zone(programmes):
    programme = programmes["films-in-progress"]
    calendar = SessionCalendar.from_template(programme.session_template("toulouse"), 2027)
    grid = event_grid(programme, calendar)
    assert [d.isoformat() for d in grid.days] == ["2027-03-25", "2027-03-26"]
    assert grid.timezone == "Europe/Paris" and grid.tables == 8 and grid.spare_tables == 1
