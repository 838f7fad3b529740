"""Documents as printed and signed (issue 18): grammar from data, the certificate, the logo
strip, file properties, page-number fields; and one batched LibreOffice → PDF check of every
kind for every demo JST (page numbers, whole words, signatures with their heading)."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date

import PIL.Image
import pytest
import segno
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from config import Defaults
from lib import grammar
from lib.identifiers import make_pesel
from models import Jst
from models.jobs import Job
from models.programme import Attendance, Module, ModuleSession
from models.surveys import Certificate
from services import documents, plans, programme, settings
from tests.batches import job_file
from tests.conftest import add_member, login, make_jst
from tests.documents.conftest import _ore_settings, _participant_data, _text
from tools import check_docs

# JST kind, name → the words that agree with it: participle, "zwana", the plan's locative, the
# certificate's genitive (the name's first noun decides: Miasto Zielone is a gmina miejska)
JST_GRAMMAR = [
    ("gmina_wiejska", "Gmina Leśna", "reprezentowana", "zwana", "w Gminie Leśnej", "Gminy Leśnej"),
    (
        "gmina_miejska",
        "Miasto Zielone",
        "reprezentowane",
        "zwane",
        "w Mieście Zielonym",
        "Miasta Zielonego",
    ),
    (
        "gmina_miejsko_wiejska",
        "Gmina Borowa",
        "reprezentowana",
        "zwana",
        "w Gminie Borowej",
        "Gminy Borowej",
    ),
    (
        "powiat",
        "Powiat Jeziorny",
        "reprezentowany",
        "zwany",
        "w Powiecie Jeziornym",
        "Powiatu Jeziornego",
    ),
    (
        "miasto_na_prawach_powiatu",
        "Miasto Nadmorskie",
        "reprezentowane",
        "zwane",
        "w Mieście Nadmorskim",
        "Miasta Nadmorskiego",
    ),
]
# JST kind → its office in the locative (the suggestion by kind) and its pronoun
OFFICES = {
    "gmina_wiejska": ("Urzędzie Gminy Leśna", "jej"),
    "gmina_miejska": ("Urzędzie Miasta Zielone", "jego"),
    "gmina_miejsko_wiejska": ("Urzędzie Miasta i Gminy Borowa", "jej"),
    "powiat": ("Starostwie Powiatowym", "jego"),
    "miasto_na_prawach_powiatu": ("Urzędzie Miasta Nadmorskie", "jego"),
}
# sex → the person's words in the declaration and on the certificate
PERSON_GRAMMAR = {
    "K": [
        "Ja, niżej podpisana",
        "jestem zatrudniona w",
        "Zatrudniona w |",
        "jestem świadoma",
        "zostałam poinformowana",
        "Zapoznałam się",
    ],
    "M": [
        "Ja, niżej podpisany",
        "jestem zatrudniony w",
        "Zatrudniony w |",
        "jestem świadomy",
        "zostałem poinformowany",
        "Zapoznałem się",
    ],
}
# "ukończyła/ukończył", "podpisana/podpisany": never printed
SLASH_FORM = re.compile(r"\b\w+(a|am|na|ła)/\w+(y|em|ny|ł)\b")
CERTIFICATE_GRAMMAR = {"K": ("przedstawicielka", "ukończyła"), "M": ("przedstawiciel", "ukończył")}


def _module_with_sessions(*attending):
    """A module of 3 sessions of 90 minutes (6 teaching hours), every day attended by
    `attending`."""
    module = Module.create(
        number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7), venue="Sala"
    )
    for day, start, end in ((1, "10:30", "12:00"), (1, "12:30", "14:00"), (2, "09:00", "10:30")):
        ModuleSession.create(module=module, day=day, start=start, end=end, title="Warsztat")
    for user in attending:
        for day in (1, 2):
            Attendance.create(module=module, user=user, day=day)
    return module


def _certificate(user):
    return Certificate.create(
        user=user,
        number="ZAS/2017/0007",
        code="kod-testowy-0007",
        full_name=user.full_name,
        programme=settings.get("programme_name"),
        issued_on=date(2017, 11, 17),
    )


@pytest.mark.parametrize("sex", ["K", "M"])
@pytest.mark.parametrize("kind,name,represented,called,locative,genitive", JST_GRAMMAR)
def test_words_agree_with_the_jsts_kind_and_the_persons_sex(
    client, world, kind, name, represented, called, locative, genitive, sex
):
    jst = make_jst(name, kind=kind)
    member = add_member(jst)
    birth = date(1980, 5, 5)
    _participant_data(member, sex=sex, pesel=make_pesel(birth, sex == "M", 31), birth_date=birth)
    _module_with_sessions()
    login(client, world.coordinator)
    text = _text(client.get(f"/jst/{jst.id}/dokumenty/deklaracja.docx").data)
    assert f"{represented} przez: Jan Testowy — Wójt" in text
    assert f"{called} dalej „JST”" in text
    text = _text(client.get(f"/jst/{jst.id}/dokumenty/plan.docx").data)
    assert f"kompetencji kluczowych uczniów {locative}" in text
    text = _text(client.get(f"/dokumenty/oswiadczenie/{member.id}.docx").data)
    for words in PERSON_GRAMMAR[sex]:
        assert words in text, words
    for other in PERSON_GRAMMAR["M" if sex == "K" else "K"]:
        assert other not in text, other
    office, pronoun = OFFICES[kind]
    employed = "zatrudniona" if sex == "K" else "zatrudniony"
    assert f"jestem {employed} w {office} lub działam na {pronoun} rzecz;" in text
    assert f"{employed.capitalize()} w | {office}" in text
    assert "w związku z rozporządzeniem" in text and "r.." not in text
    assert not SLASH_FORM.search(text)
    text = _text(client.get(f"/zaswiadczenia/{_certificate(member).id}.docx").data)
    assert not SLASH_FORM.search(text)
    person, finished = CERTIFICATE_GRAMMAR[sex]
    assert f"{person} {genitive}, {finished} szkolenie" in text


def test_sex_comes_from_pesel_when_the_form_left_it_out_and_is_never_guessed(client, world):
    birth = date(1980, 5, 5)
    _participant_data(world.participant, sex="", pesel=make_pesel(birth, True, 41))
    _participant_data(world.teammate, sex="", pesel="", no_pesel=True)
    login(client, world.coordinator)
    text = _text(client.get(f"/dokumenty/oswiadczenie/{world.participant.id}.docx").data)
    assert "Ja, niżej podpisany" in text and "Zapoznałem się" in text
    text = _text(client.get(f"/dokumenty/oswiadczenie/{world.teammate.id}.docx").data)
    # unknown: a construction without gender, never a slash form
    assert "pracuję w Urzędzie Gminy" in text and "mam świadomość odpowiedzialności" in text
    assert "Potwierdzam zapoznanie się z klauzulą" in text and "Miejsce zatrudnienia |" in text
    assert not SLASH_FORM.search(text), SLASH_FORM.search(text)


def test_without_the_sex_the_certificate_words_it_without_gender(client, world):
    _module_with_sessions()
    _participant_data(world.teammate, sex="", pesel="", no_pesel=True)
    login(client, world.coordinator)
    text = _text(client.get(f"/zaswiadczenia/{_certificate(world.teammate).id}.docx").data)
    assert "Potwierdza się ukończenie szkolenia przez:" in text
    assert f"z ramienia {grammar.suggest_cases(world.jst.name)[0]} — szkolenie" in text
    assert "przedstawiciel" not in text and "ukończył" not in text
    assert not SLASH_FORM.search(text)


def test_a_declaration_without_data_prints_the_accounts_name_and_a_stored_office(client, world):
    world.jst.office_locative = "Urzędzie Gminy Własnej w Wiśle"
    world.jst.save()
    login(client, world.coordinator)
    text = _text(client.get(f"/dokumenty/oswiadczenie/{world.teammate.id}.docx").data)
    assert f"Ja, {world.teammate.full_name}, deklaruję" in text  # not dotted lines
    assert "pracuję w Urzędzie Gminy Własnej w Wiśle lub działam na jej rzecz" in text
    assert not SLASH_FORM.search(text)


@pytest.mark.parametrize("sex", ["K", "M", ""])
def test_person_words_never_hold_a_slash(sex):
    words = grammar.person_words(sex)
    assert words["known"] is bool(sex)
    assert not [w for w in words.values() if isinstance(w, str) and "/" in w]


@pytest.mark.parametrize(
    "name,genitive,locative",
    [
        ("Powiat Testowy", "Powiatu Testowego", "Powiecie Testowym"),
        ("Gmina Przykładowo", "Gminy Przykładowo", "Gminie Przykładowo"),
        ("Gmina Próbna", "Gminy Próbnej", "Gminie Próbnej"),
        ("Gmina Pszczyna", "Gminy Pszczyna", "Gminie Pszczyna"),  # a noun stays as it is
        ("Powiat Gdański", "Powiatu Gdańskiego", "Powiecie Gdańskim"),
        ("Miasto Wzorowo", "Miasta Wzorowo", "Mieście Wzorowo"),
        ("Jednostka Testowa", "Jednostka Testowa", "Jednostka Testowa"),  # unknown: as typed
    ],
)
def test_suggested_cases_of_a_jst_name(name, genitive, locative):
    assert grammar.suggest_cases(name) == (genitive, locative)


def test_coordinator_corrects_the_suggested_cases_and_the_plan_prints_them(client, world):
    login(client, world.coordinator)
    page = client.get(f"/jst/{world.jst.id}/edycja").get_data(as_text=True)
    # a gmina's own name stays in the nominative (README: Nazwy JST w przypadkach)
    assert 'value="Gminy Własna"' in page and 'value="Gminie Własna"' in page
    jst = Jst.get_by_id(world.jst.id)
    form = {
        field: getattr(jst, field) or ""
        for field in (
            "name",
            "kind",
            "teryt",
            "nip",
            "regon",
            "street",
            "postal_code",
            "city",
            "head_title",
            "head_name",
            "signatory1_name",
            "signatory1_function",
            "contact_name",
            "contact_email",
            "contact_phone",
        )
    }
    form |= {
        "program_group": "1",
        "teryt": "1459022",  # the test world's two JSTs share one
        "version": str(jst.version),
        "agreement_date": "2017-03-20",
        "name_genitive": "Gminy Własnej",
        "name_locative": "Gminie Własnej nad Wisłą",
    }
    response = client.post(f"/jst/{world.jst.id}/edycja", data=form)
    assert response.status_code == 302, response.get_data(as_text=True).split("<main")[-1][:3000]
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").data)
    assert "kluczowych uczniów w Gminie Własnej nad Wisłą" in text


def test_certificate_prints_hours_legal_basis_and_a_qr_code_only_with_base_url(app, client, world):
    _module_with_sessions(world.participant)
    certificate = _certificate(world.participant)
    settings.save({"certificate_legal_basis": "Podstawa: § 99 przykładowego rozporządzenia."})
    login(client, world.coordinator)
    response = client.get(f"/zaswiadczenia/{certificate.id}.docx")
    text = _text(response.data)
    # 3 sessions of 90 minutes: 6 teaching hours of 45
    assert "w wymiarze 6 godzin dydaktycznych w ramach" in text
    assert "1 | 5–7 kwietnia 2017 r. | 6 godzin dydaktycznych" in text
    assert "Podstawa: § 99 przykładowego rozporządzenia." in text
    assert "https://planjst.example.org/zaswiadczenie/kod-testowy-0007" in text
    assert "Dyrektor Ośrodka Rozwoju Edukacji" in text  # the genitive, from the settings
    assert len(Document(io.BytesIO(response.data)).inline_shapes) == 1  # the QR code
    # a production install (secure cookies: HTTPS) that left BASE_URL at the default refuses
    app.config.update(BASE_URL=Defaults.BASE_URL, SESSION_COOKIE_SECURE=True)
    https = "https://localhost"
    url = f"/zaswiadczenia/{certificate.id}.docx"
    response = client.get(url, base_url=https, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Zaświadczeń nie można jeszcze wydrukować" in page and "BASE_URL" in page
    refused = client.post("/zadania-w-tle/zaswiadczenia", base_url=https, follow_redirects=True)
    assert "Zaświadczeń nie można jeszcze wydrukować" in refused.get_data(as_text=True)
    assert Job.select().count() == 0
    participant = app.test_client()
    login(participant, world.participant)
    own = participant.get("/moje-zaswiadczenie.docx", base_url=https)
    assert own.status_code == 302 and own.location.endswith("/ankiety/moje")


# days of the demo's two modules attended → the certificate's total and its modules' rows (a
# module not attended at all is not listed); a demo module: 21 teaching hours over 3 days
ATTENDED_HOURS = [
    (
        {1: (1, 2, 3), 2: (1, 2, 3)},
        "42 godziny dydaktyczne",
        ["1 | 5–7 kwietnia 2017 r. | 21 godzin", "2 |"],
    ),
    (
        {1: (1, 2), 2: (1, 2, 3)},
        "38 godzin dydaktycznych",
        ["1 | 5–7 kwietnia 2017 r. | 17 godzin"],
    ),
    ({1: (2, 3), 2: ()}, "13 godzin dydaktycznych", ["1 | 5–7 kwietnia 2017 r. | 13 godzin"]),
    (
        {1: (1, 3), 2: (2,)},
        "21 godzin dydaktycznych",  # 360 + 180 and 405 minutes: 12 and 9
        ["1 | 5–7 kwietnia 2017 r. | 12 godzin", "2 | 26–28 czerwca 2017 r. | 9 godzin"],
    ),
]


@pytest.mark.parametrize("days,total,rows", ATTENDED_HOURS)
def test_certificate_counts_the_teaching_hours_of_the_days_attended(
    client, world, days, total, rows
):
    for number, start in ((1, date(2017, 4, 5)), (2, date(2017, 6, 26))):
        module = Module.create(
            number=number, start_date=start, end_date=start.replace(day=start.day + 2)
        )
        programme.add_demo_sessions(module)
        for day in days[number]:
            Attendance.create(module=module, user=world.participant, day=day)
    Attendance.create(module=module, user=world.teammate, day=1)  # another's days: not counted
    login(client, world.coordinator)
    text = _text(client.get(f"/zaswiadczenia/{_certificate(world.participant).id}.docx").data)
    assert f"w wymiarze {total} w ramach" in text, text
    for row in rows:
        assert row in text
    if not days[2]:
        assert "2 | 26–28 czerwca 2017 r." not in text  # not attended: not on the certificate


def _png(text="logo"):
    out = io.BytesIO()
    segno.make(text).save(out, kind="png", scale=4)
    return out.getvalue()


def _header_images(data):
    doc = Document(io.BytesIO(data))
    return [
        blip
        for section in doc.sections
        for blip in section.header._element.iter(qn("a:blip"))  # an image in the header
    ]


def test_logo_strip_is_uploaded_checked_and_printed_in_every_header(client, world):
    login(client, world.coordinator)
    url = f"/jst/{world.jst.id}/dokumenty/deklaracja.docx"
    assert _header_images(client.get(url).data) == []
    for data, reason in (
        (b"GIF89a" + b"\0" * 100, "Logo musi być obrazem PNG albo JPEG."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 10, "plik jest uszkodzony"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (settings.LOGO_MAX_BYTES + 1), "Plik jest za duży"),
    ):
        page = client.post(
            "/ustawienia/logo",
            data={"file": (io.BytesIO(data), "logo.png")},
            content_type="multipart/form-data",
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "Nie zapisano logo" in page and reason in page
    page = client.post(
        "/ustawienia/logo",
        data={"file": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Zapisano pasek logotypów" in page and "W użyciu: PNG" in page
    assert len(_header_images(client.get(url).data)) == 1
    assert len(_header_images(client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").data)) == 1
    merged = job_file(client, "/zadania-w-tle/dokumenty/deklaracja/scalone")  # a section per JST
    assert len(_header_images(merged.data)) == len(Document(io.BytesIO(merged.data)).sections)
    client.post("/ustawienia/logo/usun")
    assert _header_images(client.get(url).data) == []


@pytest.mark.parametrize("kind", sorted(documents.KINDS))
def test_file_properties_language_fonts_and_page_fields(app, kind):
    data = documents.render(kind, documents.sample_context(kind))
    doc = Document(io.BytesIO(data))
    properties = doc.core_properties
    assert properties.title.startswith(documents.KINDS[kind].short)
    assert properties.author == "Ośrodek Rozwoju Edukacji"
    assert properties.language == "pl-PL" and properties.subject
    assert properties.created.date() == properties.modified.date() >= date(2024, 1, 1)
    styles = doc.styles.element
    assert {lang.get(qn("w:val")) for lang in styles.iter(qn("w:lang"))} == {"pl-PL"}
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = doc.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Arial"
        assert not [a for a in fonts.attrib if a.endswith("Theme")]
    if kind == "plan":  # team, partners, schools, an action, monitoring, risks: on every page
        body = doc.element.body
        assert len(list(body.iter(qn("w:tblHeader")))) == 6
    footer = doc.sections[0].footer._element
    instructions = [t.text.split()[0] for t in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    for element in footer.iter(qn("w:instrText"), qn("w:fldChar")):
        run = element.getparent()
        assert run.tag == qn("w:r") and run.getparent().tag == qn("w:p")  # never in a w:t


@pytest.mark.parametrize("path", ["single", "batch"])
def test_package_properties_are_valid_name_this_application_and_the_jst(app, world, path):
    _ore_settings()
    if path == "single":
        context, _missing = documents.agreement_context(world.jst)
        data = documents.render("deklaracja", context)
    else:  # the compiled template of a batch
        from services.documents import docx_batch  # noqa: PLC0415

        _name, context, _missing = documents.batch("deklaracja")[-1]
        template = documents.template_bytes("deklaracja")
        data = docx_batch.compiled(template, "deklaracja").render(context)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = etree.fromstring(archive.read("docProps/core.xml"))
        app_xml = archive.read("docProps/app.xml").decode()
        names = archive.namelist()
    tags = [child.tag for child in core]
    assert len(tags) == len(set(tags))  # each property once
    assert all("custom-properties" not in tag for tag in tags)
    title = core.find("{http://purl.org/dc/elements/1.1/}title").text
    assert title == f"Deklaracja współpracy między JST a ORE – {context['jst']['name']}"
    assert "<Application>Plan JST</Application>" in app_xml and "Macintosh" not in app_xml
    assert "<Pages>" not in app_xml and not [n for n in names if "thumbnail" in n]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_pdf_is_tagged_pdfa_titled_with_the_jst_and_its_pictures_described(client, world):
    pikepdf = pytest.importorskip("pikepdf")
    _module_with_sessions()
    _participant_data(world.participant, sex="K")
    certificate = _certificate(world.participant)
    login(client, world.coordinator)
    client.post(
        "/ustawienia/logo",
        data={"file": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data",
    )
    response = client.get(f"/zaswiadczenia/{certificate.id}.pdf")
    assert response.status_code == 200
    info = subprocess.run(
        ["pdfinfo", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Tagged:          yes" in info
    with pikepdf.open(io.BytesIO(response.data)) as document:
        metadata = document.open_metadata()
        assert metadata["pdfaid:part"] == "2"
        assert str(document.Root.Lang) == "pl-PL"
        title = str(document.docinfo["/Title"])
        assert title.startswith("Zaświadczenie o ukończeniu szkolenia – ")
        assert world.jst.name in title
        kinds, alts = [], []
        stack = [document.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    kinds.append(str(node.S))
                    if node.S == "/Figure":
                        alts.append(str(node.get("/Alt", "")))
                children = node.get("/K")
                if isinstance(children, pikepdf.Array):
                    stack.extend(children)
                elif isinstance(children, pikepdf.Dictionary):
                    stack.append(children)
    assert "/Title" in kinds and "/Table" in kinds and "/TH" in kinds
    assert any(a.startswith("Kod QR z adresem strony") for a in alts), alts
    # the logo strip repeats in the header: a pagination artifact in the PDF, described in the
    # .docx for Word's reader
    docx = Document(io.BytesIO(client.get(f"/zaswiadczenia/{certificate.id}.docx").data))
    header = docx.sections[0].header._element
    assert [d.get("descr") for d in header.iter(qn("wp:docPr"))] == [documents.LOGO_ALT]


def test_plan_version_not_accepted_says_so_and_tabs_print_as_spaces(client, world, monkeypatch):
    plans.save_row(
        plans.get_plan(world.jst),
        "dzialania",
        plans.new_uid(),
        {"title": "Warsztaty\tTIK", "responsible": "Referat", "funding": "środki gminy"},
        None,
        world.participant,
        {"schools": [], "partners": []},
    )
    monkeypatch.setattr(plans, "blocking", lambda gaps: [])
    plans.transition(plans.get_plan(world.jst), "submit", world.participant)
    login(client, world.participant)
    data = client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").data
    header = "\n".join(p.text for p in Document(io.BytesIO(data)).sections[0].header.paragraphs)
    assert "WERSJA NIEZATWIERDZONA (przekazany do opiniowania) — nie do podpisu" in header
    text = _text(data)
    assert "Działanie 1. Warsztaty TIK" in text and "\t" not in text
    assert "Koszt i źródło finansowania | środki gminy" in text  # no cost: no space before it
    assert "Zatwierdzenie planu" not in text
    assert "nie jest zatwierdzona (przekazany do opiniowania) — nie podpisuje się jej" in text


def test_declaration_prints_the_po_wer_parts_from_the_settings(client, world):
    settings.save(
        {
            "project_title": "Projekt Próbny",
            "project_number": "POWR.02.10.00-00-1234/17",
            "retention_until": "2031-12-31",
            "managing_authority": "Minister Przykładowy, ul. Próbna 1, 00-001 Warszawa",
        }
    )
    _participant_data(world.participant)
    login(client, world.coordinator)
    text = _text(client.get(f"/dokumenty/oswiadczenie/{world.participant.id}.docx").data)
    assert "projekcie „Projekt Próbny” nr POWR.02.10.00-00-1234/17" in text
    assert "administratorem danych jest Minister Przykładowy, ul. Próbna 1" in text
    assert "art. 9 ust. 2 lit. g RODO" in text and "do dnia 31 grudnia 2031 r." in text
    assert "państwa trzeciego" in text and "zautomatyzowanemu" in text
    assert "w ciągu 4 tygodni" in text
    text = _text(client.get(f"/dokumenty/oswiadczenie/{world.teammate.id}.docx").data)
    assert "PESEL | ……………………………………" in text  # no data yet: a line to write on


def test_agreement_is_a_real_porozumienie(client, world):
    _ore_settings()
    settings.save({"project_number": "POWR.02.10.00-00-1234/17"})
    login(client, world.coordinator)
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data)
    for words in (
        "zawarte w Warszawie dnia 20 marca 2017 r.",
        "nr POWR.02.10.00-00-1234/17",
        "zwany dalej „ORE”",
        "zwana dalej „JST”",
        "wchodzi w życie z dniem podpisania",
        "nie rodzi zobowiązań finansowych",
        "formy pisemnej pod rygorem nieważności",
        "wypowiedzieć porozumienie",
        "sąd powszechny właściwy dla siedziby ORE",
        "Kodeksu cywilnego",
        "odrębnym administratorem danych osobowych",
        "(pieczęć)",
    ):
        assert words in text, words
    assert "Pani/Pan" not in text


@pytest.mark.skipif(
    not shutil.which("soffice") and not os.environ.get("PLANJST_REQUIRE_BROWSER"),
    reason="LibreOffice (libreoffice-writer-nogui) is not installed",
)
def test_every_kind_of_every_demo_jst_prints_with_page_numbers_whole_words_and_signatures(
    app, tmp_path
):
    coordinator = check_docs.prepare_demo(app)
    with app.app_context():
        # what broke the old table: a long partner contribution, a tab in an action's title
        plan = plans.get_plan(Jst.get(Jst.name == "Gmina Przykładowo"))
        member = plans.current_team(plan.jst)[0].user
        long = "Biblioteka prowadzi zajęcia popularnonaukowe dla uczniów wszystkich szkół. " * 25
        partner = {"institution": "Fundacja Długa", "person": "Jan", "role": "partner"}
        plans.save_row(
            plan,
            "partnerzy",
            plans.new_uid(),
            partner | {"contribution": long, "contact": "x@example.org"},
            None,
            member,
        )
        plans.save_row(
            plan,
            "dzialania",
            plans.new_uid(),
            {"title": "Konferencja\tpodsumowująca", "responsible": "Referat"},
            None,
            member,
            {"schools": [], "partners": []},
        )
        items = check_docs.demo_documents(coordinator)
    # one declaration per JST is enough here (tools/check_docs.py prints them all)
    seen, batch = set(), []
    for item in items:
        key = (item[1], item[3]["jst"])
        if key not in seen:
            seen.add(key)
            batch.append(item)
    report = check_docs.check(batch, tmp_path, png=False)
    assert {name: r["problems"] for name, r in report.items() if r["problems"]} == {}
    kinds = {kind for _stem, kind, _data, _expect in batch}
    assert kinds == set(documents.KINDS)
    plans_printed = [name for name in report if name.startswith("plan-")]
    assert len(plans_printed) == 8  # every JST kind of the demo, and the library's three
    signed = [e for _s, kind, _d, e in batch if kind == "plan" and e["signatures"]]
    assert signed, "the accepted demo plan's signatures are checked"
    assert all(r["pages"] <= check_docs.MAX_PLAN_PAGES for r in report.values())
    plan = next(e for _s, kind, _d, e in batch if kind == "plan" and "Konferencja" in str(e))
    assert "Konferencja podsumowująca" in plan["words"]  # checked whole on the printed page
    # the stress plan (six long real school names, eight actions) is among them, checked whole
    stress = [e for _s, kind, _d, e in batch if check_docs.STRESS_SCHOOLS[0][0] in e["words"]]
    assert len(stress) == 1 and sum("Sieć współpracy" in w for w in stress[0]["words"]) == 8


def test_a_big_logo_is_scaled_to_print_and_pdfs_stay_quick(client, world):
    """Second audit: a 6000 × 6000 RGBA PNG (140 kB) made every plan.pdf answer 503 after 20 s.
    It is scaled down on upload to what 14 mm print at 600 dpi, proportions kept."""
    image = PIL.Image.new("RGBA", (6000, 6000), (0, 80, 160, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert len(out.getvalue()) < settings.LOGO_MAX_BYTES
    login(client, world.coordinator)
    page = client.post(
        "/ustawienia/logo",
        data={"file": (io.BytesIO(out.getvalue()), "logo.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Zapisano pasek logotypów" in page and "W użyciu: PNG, 331 × 331 px" in page
    for data, reason in (
        (_png_of(6001, 10), "najwyżej 6000 pikseli na bok"),
        (_png_of(4000, 400)[:300], "plik jest uszkodzony"),  # a header, then nothing
    ):
        page = client.post(
            "/ustawienia/logo",
            data={"file": (io.BytesIO(data), "logo.png")},
            content_type="multipart/form-data",
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "Nie zapisano logo" in page and reason in page
    assert "W użyciu: PNG, 331 × 331 px" in page  # the logo in use stays


def test_a_big_logo_stored_before_is_printed_scaled(app):
    """A logo stored before uploads were scaled prints scaled (each process scales it once)."""
    settings.save_logo(_png_of(3000, 1000))
    assert settings.check_logo(settings.logo()) == (993, 331)


def _png_of(width, height):
    out = io.BytesIO()
    PIL.Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# what check-docs says of a joined PDF's pages: (page texts, cover first, documents expected)
JOINED_PAGES = [
    (["strona 1 z 2", "strona 2 z 2", "strona 1 z 1"], False, 2, []),
    (["Pakiet", "strona 1 z 1", "strona 1 z 2", "strona 2 z 2"], True, 2, []),
    (
        ["strona 1 z 19", "strona 2 z 19", "strona 1 z 19"],
        False,
        2,
        ["ends at page 2", "last document ends"],
    ),
    (["strona 1 z 2", "strona 1 z 2", "strona 2 z 2"], False, 2, ["ends at page 1"]),
    (["strona 1 z 1", "strona 3 z 3"], False, 2, ["out of order", "1 documents"]),
    (["strona 1 z 1", "bez numeru"], False, 1, ["page 2 has no 'strona N z M'"]),
]


@pytest.mark.parametrize("texts,cover,documents_expected,found", JOINED_PAGES)
def test_check_docs_counts_each_joined_documents_own_pages(texts, cover, documents_expected, found):
    expect = {"documents": documents_expected, "cover": cover}
    parts = [("Dokument", {"/H1"})] * (documents_expected + cover)
    problems = check_docs.joined_problems(texts, expect, parts)
    assert len(problems) == len(found), problems
    for words, problem in zip(found, problems, strict=True):
        assert words in problem
    untagged = check_docs.joined_problems(texts[:1], expect | {"documents": 1}, [("", set())])
    assert "tagged part" in " ".join(untagged)


@pytest.mark.parametrize(
    "texts,found",
    [
        (["strona 1", "strona 2", "strona 1"], []),
        (["strona 1 z 19", "strona 2 z 19"], ["prints a total", "prints a total"]),
        (["Porozumienie"], ["no page number", "no document starts"]),
    ],
)
def test_check_docs_wants_a_merged_docx_without_the_files_total(texts, found):
    problems = check_docs.problems("merged", texts, {})
    assert [any(w in p for p in problems) for w in found] == [True] * len(found)
    assert len(problems) == len(found), problems
