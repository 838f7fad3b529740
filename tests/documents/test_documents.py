"""Word documents: content checked with python-docx, templates, batches, signed copies."""

import csv
import io
import os
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from docx import Document
from docxtpl import DocxTemplate

from models import AuditLog, Jst
from services import documents, participants, plans
from services.documents import KINDS, TemplateRefused
from services.identifiers import make_pesel
from tests.conftest import add_member, login, make_jst

NASTY = "A & B < C > D \" ' {{ 7*7 }} {% if x %} 😀 Łódź\nnowa linia\x01"


def _text(data):
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    parts += [p.text for s in doc.sections for p in s.header.paragraphs]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def _participant_data(user, **overrides):
    birth = date(1975, 6, 1)
    data = {
        "country": "Polska",
        "first_name": "Ewa",
        "last_name": "Dokumentowa",
        "pesel": make_pesel(birth, False, 77),
        "sex": "K",
        "birth_date": birth,
        "education": "isced5_8",
        "voivodeship": "mazowieckie",
        "powiat": "testowy",
        "gmina": "Testowo",
        "town": "Testowo",
        "street": "ul. Zmyślona",
        "house_no": "1",
        "flat_no": "",
        "postal_code": "00-950",
        "area": "wiejski",
        "phone": "+48 600 1",
        "email": "ewa@example.org",
        "occupation": "urzędnik",
        "joined_at": date(2017, 4, 5),
        "minority": "nie",
        "disability": "nie",
        "disadvantage": "nie",
        "clause": True,
    }
    data.update(overrides)
    participants.save(user, data, user)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_template_renders_the_full_context_and_declares_nothing_else(app, kind):
    context = documents.sample_context(kind)
    template = DocxTemplate(documents.TEMPLATES / KINDS[kind].filename)
    used = template.get_undeclared_template_variables(jinja_env=documents.sandbox())
    assert used <= set(context), f"unknown variables: {used - set(context)}"
    assert "Przykładow" in _text(documents.render(kind, context))
    for key in used:
        broken = {k: v for k, v in context.items() if k != key}
        with pytest.raises(Exception, match="undefined"):
            documents.render(kind, broken)


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
    login(client, world.coordinator)
    response = client.get(f"/jst/{jst.id}/dokumenty/deklaracja.docx")
    assert response.status_code == 200
    assert "deklaracja-powiat-podpisowy.docx" in response.headers["Content-Disposition"]
    text = _text(response.data)
    assert "Powiat Podpisowy (powiat)" in text and f"TERYT {jst.teryt}" in text
    assert "Olga Pierwsza — Członek Zarządu" in text and "Piotr Drugi — Wicestarosta" in text
    assert "przy kontrasygnacie: Zofia Skarbnik — Skarbnik" in text
    assert member.full_name in text
    assert "Liceum Testowe | liceum ogólnokształcące | 4321" in text
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
    assert "WERSJA ROBOCZA" in text and "Wersja 1 · status: Szkic" in text
    assert "{{ 7*7 }} {% if x %} 😀" in text
    assert "Cel strategiczny 1. Cel A" in text and "Cel operacyjny 1.1. Cel A.1" in text
    assert "Warsztaty TIK | 1.1 Cel A.1 | kompetencje cyfrowe" in text
    assert "1\u00a0234,56\u00a0zł budżet" in text
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
    assert "Plan zatwierdzony przez eksperta opiekuna." in text
    assert client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx?wersja=7").status_code == 404


def test_batch_zip_streams_documents_and_an_index(client, world):
    _participant_data(world.participant)
    login(client, world.coordinator)
    response = client.get("/dokumenty/oswiadczenie.zip")
    assert response.status_code == 200 and response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "spis.csv" in names and len(names) == 5  # four team members and the index
    index = archive.read("spis.csv").decode("utf-8")
    assert index.startswith("\ufeffplik;dokument;kompletny;braki")
    rows = list(csv.reader(io.StringIO(index.lstrip("\ufeff")), delimiter=";"))
    complete = [r for r in rows[1:] if r[2] == "tak"]
    assert len(complete) == 1 and "oswiadczenie-gmina-wlasna-" in complete[0][0]
    assert "Ewa Dokumentowa" in _text(archive.read(complete[0][0]))
    response = client.get("/dokumenty/deklaracja.zip?grupa=3")
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == ["spis.csv"]


def test_merged_batch_holds_every_document(client, world):
    login(client, world.coordinator)
    response = client.get("/dokumenty/deklaracja-scalone.docx")
    text = _text(response.data)
    assert "Gmina Własna" in text and "Gmina Obca" in text


def _docx_with(text, split=False):
    doc = Document()
    paragraph = doc.add_paragraph()
    if split:  # Word often splits a tag across runs
        for piece in ("{{ jst", ".na", "me }}"):
            paragraph.add_run(piece)
    else:
        paragraph.add_run(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"PK\x03\x04 broken", "uszkodzone archiwum"),
        (b"%PDF-1.4 not a docx", "uszkodzone archiwum"),
        ("zip-without-document", "To nie jest dokument Word"),
        (_docx_with("{{ nieznana }}"), "nieznana zmienna"),
        (_docx_with("{{ jst.nipp }}"), "jst.nipp"),
        (_docx_with("{{ ''.__class__.__mro__ }}"), "niedozwolone"),
        (_docx_with("{{ jst.name.__class__.__subclasses__() }}"), "niedozwolone"),
    ],
)
def test_bad_templates_are_refused_with_a_reason(app, data, message):
    if data == "zip-without-document":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "x")
        data = out.getvalue()
    with pytest.raises(TemplateRefused) as refused:
        documents.check_template("deklaracja", data)
    assert message in str(refused.value) or "nipp" in str(refused.value)


def test_upload_uses_the_new_template_and_restore_goes_back(client, world):
    login(client, world.coordinator)
    data = {"file": (io.BytesIO(_docx_with("", split=True)), "moj-szablon.docx")}
    response = client.post(
        "/dokumenty/szablony/deklaracja",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Przyjęto nową wersję szablonu" in response.get_data(as_text=True)
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data)
    assert text.strip().startswith("Gmina Własna")  # the split tag rendered
    bad = {"file": (io.BytesIO(_docx_with("{{ jst.nipp }}")), "zly.docx")}
    page = client.post(
        "/dokumenty/szablony/deklaracja",
        data=bad,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Nie przyjęto szablonu" in page.get_data(as_text=True)
    client.post("/dokumenty/szablony/deklaracja/przywroc/0")
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data)
    assert "Deklaracja współpracy między JST a ORE" in text


def test_signed_copy_is_kept_and_a_later_change_is_flagged(client, world):
    login(client, world.coordinator)
    client.post(
        f"/jst/{world.jst.id}/dokumenty/podpisane",
        data={"kind": "deklaracja", "received_on": "2017-04-20"},
    )
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "Podpisany egzemplarz otrzymano 20 kwietnia 2017" in page
    assert "nie odpowiada podpisanemu" not in page
    assert "Gmina Własna" in _text(client.get("/dokumenty/podpisane/1.docx").data)
    Jst.update(city="Inne Miasto").where(Jst.id == world.jst.id).execute()
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "nie odpowiada podpisanemu egzemplarzowi" in page
    assert "Testowo" in _text(client.get("/dokumenty/podpisane/1.docx").data)  # the exact file


def test_team_member_sees_only_their_own_declaration(client, world):
    login(client, world.participant)
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert world.participant.full_name in page and world.teammate.full_name not in page
    assert client.get(f"/dokumenty/oswiadczenie/{world.teammate.id}.docx").status_code == 404


@pytest.mark.skipif(
    not shutil.which("soffice") and not os.environ.get("PLANJST_REQUIRE_BROWSER"),
    reason="LibreOffice (libreoffice-writer-nogui) is not installed",
)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_documents_open_in_libreoffice(app, tmp_path, kind):
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(documents.render(kind, documents.sample_context(kind)))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / f"{kind}.pdf").stat().st_size > 1000
