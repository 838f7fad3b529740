"""Word documents: what they print (agreements, declarations, plans), their names, batches."""

import csv
import io
import zipfile
from datetime import datetime

import pytest

from lib.identifiers import make_nip, make_regon
from models import AuditLog, Jst
from models.plans import PlanEvent, PlanVersion
from services import documents, plans, settings
from tests.batches import job_file, start
from tests.conftest import add_member, login, make_jst
from tests.documents.conftest import (
    NASTY,
    _add_school,
    _ore_settings,
    _participant_data,
    _sections,
    _text,
)


def test_agreement_of_a_powiat_has_both_board_signatures_team_and_schools(client, world):
    jst = make_jst(
        "Powiat Podpisowy",
        kind="powiat",
        head_title="starosta",
        signatory1_name="Olga Pierwsza",
        signatory1_function="Członek Zarządu",
        signatory2_name="Piotr Drugi",
        signatory2_function="Wicestarosta",
        countersignatory_name="Zofia Skarbnik",
        countersignatory_function="Skarbnik",
    )
    member = add_member(jst)
    add_member(jst)
    plan = plans.get_plan(jst)
    plans.save_row(
        plan,
        "szkoly",
        plans.new_uid(),
        {"name": "Liceum Testowe", "rspo": "4321", "kind": "liceum"},
        None,
        member,
    )
    _ore_settings()
    login(client, world.coordinator)
    response = client.get(f"/jst/{jst.id}/dokumenty/deklaracja.docx")
    assert response.status_code == 200
    assert "deklaracja-powiat-podpisowy.docx" in response.headers["Content-Disposition"]
    text = _text(response.data)
    assert "Powiat Podpisowy (powiat)" in text and f"TERYT {jst.teryt}" in text
    assert "Olga Pierwsza — Członek Zarządu" in text and "Piotr Drugi — Wicestarosta" in text
    # no clause commits money (§ 6): the treasurer does not countersign the agreement
    assert "Zofia Skarbnik" not in text and "kontrasygnat" not in text.lower()
    assert member.full_name in text
    assert "Liceum Testowe\nliceum ogólnokształcące, RSPO 4321" in text
    assert "Ośrodek Rozwoju Edukacji" in text
    assert "WERSJA ROBOCZA" not in text


def test_nasty_text_appears_literally_and_line_breaks_stay(client, world):
    _participant_data(world.participant, occupation=NASTY, street="ul. Długa\nklatka B")
    login(client, world.participant)
    response = client.get("/moje-dane/oswiadczenie.docx")
    assert response.status_code == 200
    text = _text(response.data)
    assert "A & B < C > D \" ' {{ 7*7 }} {% if x %} 😀 Łódź\nnowa linia" in text
    assert "\x01" not in text
    assert "ul. Długa\nklatka B" in text  # a w:br line break
    entry = AuditLog.get(AuditLog.action == "document_download")
    assert entry.subject == f"user:{world.participant.id}"


def test_incomplete_declaration_is_for_coordinators_only_and_marked_draft(app, world):
    participant = app.test_client()
    login(participant, world.participant)
    response = participant.get("/moje-dane/oswiadczenie.docx")
    assert response.status_code == 302 and "/moje-dane" in response.headers["Location"]
    coordinator = app.test_client()
    login(coordinator, world.coordinator)
    response = coordinator.get(f"/dokumenty/oswiadczenie/{world.participant.id}.docx")
    assert "WERSJA ROBOCZA" in _text(response.data)


def test_plan_document_drafts_versions_and_acceptance(client, world):
    plan = plans.get_plan(world.jst)
    plans.save_texts(plan, "wizja", {"vision": (NASTY, 0)}, world.participant)
    goal = plans.save_row(
        plan, "cele-strategiczne", plans.new_uid(), {"title": "Cel A"}, None, world.participant
    )
    op = plans.save_row(
        plan,
        "cele-operacyjne",
        plans.new_uid(),
        {"strategic_goal": goal.id, "title": "Cel A.1"},
        None,
        world.participant,
    )
    plans.save_row(
        plan,
        "dzialania",
        plans.new_uid(),
        {
            "title": "Warsztaty TIK",
            "goal": op.id,
            "responsible": "Referat",
            "cost_grosze": 123456,
            "funding": "budżet",
            "indicator": "liczba",
            "target": "12",
            "start_month": "2017-09",
            "end_month": "2018-06",
            "area": "cyfrowe",
        },
        None,
        world.participant,
        {"schools": [], "partners": []},
    )
    login(client, world.participant)
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").data)
    assert "WERSJA ROBOCZA" in text and "Wersja 1" not in text  # never submitted
    assert "Wersja robocza (plan jeszcze nie przekazany do opiniowania) · status: Szkic" in text
    assert "{{ 7*7 }} {% if x %} 😀" in text
    assert "Cel strategiczny 1. Cel A" in text and "Cel operacyjny 1.1. Cel A.1" in text
    assert "Działanie 1. Warsztaty TIK" in text  # one block per action
    assert "Cel | 1.1 Cel A.1" in text and "Obszar kompetencji | kompetencje cyfrowe" in text
    assert "Koszt i źródło finansowania | 1\u00a0234,56\u00a0zł budżet" in text
    assert "Zatwierdzenie planu" not in text  # a draft prints no signature lines
    import json

    from models.plans import Plan, PlanVersion

    PlanVersion.create(
        plan=plan,
        number=1,
        content=json.dumps(
            plans.plan_content(plan)
            | {"status": "submitted", "status_label": "Przekazany do opiniowania"}
        ),
    )
    Plan.update(status="accepted").where(Plan.id == plan.id).execute()
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx?wersja=1").data)
    assert "WERSJA ROBOCZA" not in text
    assert "Wersja 1 · status: Zatwierdzony" in text and "Plan zatwierdzony." in text
    assert client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx?wersja=7").status_code == 404


def test_batch_zip_streams_documents_and_an_index(client, world):
    _participant_data(world.participant)
    login(client, world.coordinator)
    response = job_file(client, "/zadania-w-tle/dokumenty/oswiadczenie/zip")
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "spis.csv" in names and len(names) == 5  # four team members and the index
    index = archive.read("spis.csv").decode("utf-8")
    assert index.startswith("\ufeffplik;dokument;kompletny;braki")
    rows = list(csv.reader(io.StringIO(index.lstrip("\ufeff")), delimiter=";"))
    complete = [r for r in rows[1:] if r[2] == "tak"]
    assert len(complete) == 1 and "oswiadczenie-gmina-wlasna-" in complete[0][0]
    assert "Ewa Dokumentowa" in _text(archive.read(complete[0][0]))
    _job, page = start(client, "/zadania-w-tle/dokumenty/deklaracja/zip", {"grupa": "3"})
    assert "Nie ma żadnego dokumentu do zbudowania" in page and "Pobierz" not in page


def test_merged_batch_keeps_each_documents_own_draft_mark(client, world):
    _ore_settings()
    _add_school(world.jst, world.participant)  # Gmina Własna is complete, the others are not
    make_jst("Gmina Zielona")
    login(client, world.coordinator)
    response = job_file(client, "/zadania-w-tle/dokumenty/deklaracja/scalone")
    assert "deklaracja-wszystkie.docx" in response.headers["Content-Disposition"]
    sections = _sections(response.data)
    names = ("Gmina Obca", "Gmina Własna", "Gmina Zielona")  # in order, one per section
    assert [[n for n in names if n in body] for _header, body in sections] == [[n] for n in names]
    assert ["WERSJA ROBOCZA" in header for header, _body in sections] == [True, False, True]


def test_team_member_sees_only_their_own_declaration(client, world):
    login(client, world.participant)
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert world.participant.full_name in page and world.teammate.full_name not in page
    assert client.get(f"/dokumenty/oswiadczenie/{world.teammate.id}.docx").status_code == 404


def test_plan_past_its_draft_prints_its_last_version_date_and_decider(client, world, monkeypatch):
    monkeypatch.setattr(plans, "blocking", lambda gaps: [])  # a complete plan, whatever it holds
    plan = plans.get_plan(world.jst)
    plans.transition(plan, "submit", world.participant)
    plans.transition(plan, "return", world.expert, "Proszę poprawić.")
    plans.transition(plan, "submit", world.participant)
    for number, day in ((1, 3), (2, 10)):
        PlanVersion.update(submitted_at=datetime(2017, 5, day, 10)).where(
            PlanVersion.number == number
        ).execute()
    login(client, world.participant)
    url = f"/jst/{world.jst.id}/dokumenty/plan.docx"
    text = _text(client.get(url).data)
    assert "Wersja 2 · status: Przekazany do opiniowania · 10 maja 2017 r." in text
    assert "WERSJA ROBOCZA" not in text and "Plan zatwierdzony" not in text
    plans.transition(plan, "accept", world.coordinator)
    PlanEvent.update(at=datetime(2017, 5, 12, 10)).where(
        PlanEvent.to_status == "accepted"
    ).execute()
    text = _text(client.get(url).data)
    assert "Wersja 2 · status: Zatwierdzony · 12 maja 2017 r." in text
    assert "Wersja 3" not in text
    assert "Plan zatwierdzony przez koordynatora projektu." in text
    assert "eksperta" not in text
    text = _text(client.get(f"{url}?wersja=1").data)
    # a superseded version prints its own status, not the plan's
    assert "Wersja 1 · status: Do poprawy — zastąpiona wersją 2 · 3 maja 2017 r." in text
    assert "Przekazany do opiniowania" not in text and "Plan zatwierdzony" not in text
    text = _text(client.get(f"{url}?wersja=2").data)
    assert "Wersja 2 · status: Zatwierdzony · 12 maja 2017 r." in text


def test_agreement_is_incomplete_until_ores_data_is_set(client, world):
    _add_school(world.jst, world.participant)
    login(client, world.coordinator)
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "NIP ORE (ustawienia programu)" in page and "REGON ORE (ustawienia programu)" in page
    assert "ustawienia programu (dane ORE)" in page  # the link to fix it
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data)
    assert "WERSJA ROBOCZA" in text
    _ore_settings()
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "ustawienia programu" not in page
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data)
    assert "WERSJA ROBOCZA" not in text
    assert f"NIP {make_nip(901)}, REGON {make_regon(901)}" in text
    assert "Ze strony ORE: Jan Kontaktowy, ore@example.org" in text


def test_declarations_list_what_is_missing(client, world):
    _participant_data(world.participant, occupation="", phone="")
    login(client, world.coordinator)
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "brakuje: Telefon, Wykonywany zawód" in page
    assert "brakuje: wszystkie dane uczestnika" in page  # the teammate typed nothing


def test_downloads_carry_the_polish_name_and_an_ascii_fallback(client, world):
    _participant_data(world.participant)
    login(client, world.coordinator)
    response = client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=deklaracja-gmina-wlasna.docx; ")
    assert (
        "filename*=UTF-8''Deklaracja%20wsp%C3%B3%C5%82pracy%20%E2%80%93%20Gmina%20W%C5%82asna.docx"
        in disposition
    )
    response = client.get(f"/dokumenty/oswiadczenie/{world.participant.id}.docx")
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''O%C5%9Bwiadczenie%20uczestnika%20%E2%80%93%20" in disposition
    response = job_file(client, "/zadania-w-tle/dokumenty/deklaracja/zip", {"grupa": "1"})
    assert response.headers["Content-Disposition"] == "attachment; filename=deklaracja-grupa-1.zip"


def test_demo_fills_ore_data_once_and_keeps_the_coordinators(app):
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    assert settings.get("ore_nip") == demo.ORE_DEMO["ore_nip"]
    assert documents.missing_ore_settings() == []  # demo agreements are not drafts for ORE's sake
    settings.save({"ore_contact": "Zmieniony Kontakt, zmiana@example.org"})
    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    assert settings.get("ore_contact") == "Zmieniony Kontakt, zmiana@example.org"


def test_agreement_prints_the_jsts_agreement_date_and_without_it_is_a_draft(client, world):
    _add_school(world.jst, world.participant)
    _ore_settings()
    login(client, world.coordinator)
    url = f"/jst/{world.jst.id}/dokumenty/deklaracja.docx"
    text = _text(client.get(url).data)
    assert "zawarte w Warszawie dnia 20 marca 2017 r." in text
    assert "WERSJA ROBOCZA" not in text
    Jst.update(agreement_date=None).where(Jst.id == world.jst.id).execute()
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "data zawarcia deklaracji (dane JST)" in page
    text = _text(client.get(url).data)
    assert "WERSJA ROBOCZA" in text
    assert "zawarte w Warszawie dnia …………………………………… r." in text
    assert "20 marca 2017" not in text


def test_plan_prints_each_actions_expected_result(client, world):
    plan = plans.get_plan(world.jst)
    plans.save_row(
        plan,
        "dzialania",
        plans.new_uid(),
        {
            "title": "Warsztaty TIK",
            "responsible": "Referat",
            "expected_result": "Nauczyciele prowadzą zajęcia z robotami\nraz w tygodniu.",
        },
        None,
        world.participant,
        {"schools": [], "partners": []},
    )
    login(client, world.participant)
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").data)
    assert "Działanie 1. Warsztaty TIK" in text
    assert "Oczekiwany rezultat | Nauczyciele prowadzą zajęcia z robotami\nraz w tygodniu." in text


def _accept(jst, world, monkeypatch):
    monkeypatch.setattr(plans, "blocking", lambda gaps: [])  # a complete plan, whatever it holds
    plan = plans.get_plan(jst)
    plans.transition(plan, "submit", world.participant)
    plans.transition(plan, "accept", world.coordinator)


def test_plan_is_approved_by_the_signatories_of_the_jsts_kind(client, world, monkeypatch):
    jst = make_jst(
        "Powiat Planowy",
        kind="powiat",
        head_title="starosta",
        head_name="Stefan Starosta",
        signatory1_name="Olga Pierwsza",
        signatory1_function="Członek Zarządu",
        signatory2_name="Piotr Drugi",
        signatory2_function="Wicestarosta",
        countersignatory_name="Zofia Skarbnik",
        countersignatory_function="Skarbnik Powiatu",
    )
    login(client, world.coordinator)
    text = _text(client.get(f"/jst/{jst.id}/dokumenty/plan.docx").data)
    assert "Zatwierdzenie planu" not in text  # a draft is not signed
    _accept(jst, world, monkeypatch)
    text = _text(client.get(f"/jst/{jst.id}/dokumenty/plan.docx").data)
    dots = "……………………………………………"
    assert (
        f"Zatwierdzenie planu — za JST\nMiejscowość i data: {dots}"
        f"\n\n\n{dots}\nOlga Pierwsza — Członek Zarządu"
        f"\n\n\n{dots}\nPiotr Drugi — Wicestarosta"
        f"\n\nKontrasygnata:\n\n\n{dots}\nZofia Skarbnik — Skarbnik Powiatu"
    ) in text
    assert "Zatwierdzam" not in text
    _accept(world.jst, world, monkeypatch)
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").data)
    assert f"\n\n\n{dots}\nJan Testowy — Wójt" in text and "Kontrasygnata" not in text


def test_plan_prints_action_months_in_polish(client, world):
    plans.save_row(
        plans.get_plan(world.jst),
        "dzialania",
        plans.new_uid(),
        {
            "title": "Warsztaty TIK",
            "responsible": "Referat",
            "start_month": "2017-09",
            "end_month": "2018-06",
        },
        None,
        world.participant,
        {"schools": [], "partners": []},
    )
    login(client, world.participant)
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").data)
    assert "Okres realizacji | wrzesień 2017 – czerwiec 2018" in text
    assert "2017-09" not in text and "2018-06" not in text


@pytest.mark.parametrize(
    "kind,word",
    [
        ("gmina_miejska", "reprezentowana"),
        ("powiat", "reprezentowany"),
        ("miasto_na_prawach_powiatu", "reprezentowane"),
    ],
)
def test_agreement_wording_agrees_with_the_jsts_kind(client, world, kind, word):
    jst = make_jst("Jednostka Testowa", kind=kind)
    login(client, world.coordinator)
    text = _text(client.get(f"/jst/{jst.id}/dokumenty/deklaracja.docx").data)
    assert f"TERYT {jst.teryt}, {word} przez: Jan Testowy — Wójt" in text
    assert text.count("reprezentowan") == 2  # the JST's and ORE's (Ośrodek: reprezentowany)


@pytest.mark.parametrize(
    "email,phone,line",
    [
        ("", "", "Ze strony JST: Anna Kontaktowa."),
        ("", "+48 500 100 200", "Ze strony JST: Anna Kontaktowa, +48 500 100 200."),
        ("k@example.org", "", "Ze strony JST: Anna Kontaktowa, k@example.org."),
    ],
)
def test_agreement_leaves_out_an_empty_contact_email_or_phone(client, world, email, phone, line):
    jst = make_jst("Miasto Kontaktowe", contact_email=email, contact_phone=phone)
    login(client, world.coordinator)
    text = _text(client.get(f"/jst/{jst.id}/dokumenty/deklaracja.docx").data)
    assert line in text.splitlines()
