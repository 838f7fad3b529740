"""Batches built for the background jobs (services.documents.batches): a ZIP of documents, one
merged .docx — each against the single documents as services.documents renders them."""

import base64
import csv
import io
import os
import subprocess
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from lib import pdf
from lib.identifiers import make_pesel
from lib.text import clean
from models import AuditLog, Jst
from services import documents, plans, settings
from services.documents import KINDS, batches, docx_batch
from tests.conftest import add_member, make_jst, make_user
from tests.documents.conftest import (
    NASTY,
    _add_school,
    _ore_settings,
    _participant_data,
    _sections,
    _text,
)

# a 1×1 PNG: a logo in a template's header
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class Cancelled(Exception):
    pass


def _index(archive):
    text = archive.read("spis.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _parts(data):
    """{part name: its canonical XML, or its bytes} of a .docx (but the document properties:
    their dates are the rendering's)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {
        name: etree.tostring(etree.fromstring(archive.read(name)), method="c14n")
        if name.endswith((".xml", ".rels"))
        else archive.read(name)
        for name in archive.namelist()
        if name != "docProps/core.xml"
    }


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_compiled_template_writes_what_docxtpl_writes(app, kind):
    context = documents.sample_context(kind)
    context["programme"] = clean(NASTY)  # escaped, lines kept as line breaks, a tab
    context["footer"] = "stopka\tz tabulatorem"
    if kind == "zaswiadczenie":  # images: named apart (test_images_print_as_docxtpl_prints_them)
        context["c"] = context["c"] | {"qr": ""}
    compiled = docx_batch.compiled(documents.template_bytes(kind), kind)
    assert compiled.fast
    once, again = compiled.render(context), compiled.render(context)
    single = documents.render(kind, context)
    assert _parts(once) == _parts(again) == _parts(single)
    assert "A & B < C > D" in _text(once) and "nowa linia" in _text(once)


@pytest.mark.parametrize("kind", documents.BATCH_KINDS)
def test_a_batch_loads_what_each_document_loaded_alone_prints(app, world, kind):
    _participant_data(world.participant)
    _participant_data(world.teammate, pesel=make_pesel(date(1980, 2, 3), True, 5), street="")
    add_member(make_jst("Gmina Trzecia", kind="powiat"))  # group 3

    def audited():
        return AuditLog.select().where(AuditLog.action == "documents_batch").count()

    for group in (None, 1, 3):
        jsts = Jst.select().where(Jst.status == "active").order_by(Jst.name_sort, Jst.id)
        jsts = [j for j in jsts if not group or j.program_group == group]
        if kind == "oswiadczenie":
            alone = [
                documents.declaration_context(member.user)
                for jst in jsts
                for member in plans.current_team(jst)
            ]
        else:
            alone = [documents.build_context(kind, jst) for jst in jsts]
        before = audited()
        items = batches.load_items(kind, group, world.coordinator)
        assert [(context, missing) for _name, context, missing in items] == alone
        assert audited() == before + (kind == "oswiadczenie")  # one row names the batch


def test_zip_holds_every_declaration_as_rendered_alone_and_an_index(app, world, tmp_path):
    _participant_data(world.participant)
    twin = add_member(world.jst, make_user(name=world.teammate.full_name))  # two of one name
    items = documents.batch("oswiadczenie", actor=world.coordinator)
    seen = []
    built = batches.build_zip(
        "oswiadczenie", items, tmp_path / "o.zip", lambda done, total: seen.append((done, total))
    )
    assert seen == [(i, len(items)) for i in range(1, len(items) + 1)]
    archive = zipfile.ZipFile(built.path)
    names = archive.namelist()
    assert len(names) == len(items) + 1 == built.documents + 1 and names[-1] == "spis.csv"
    assert len(set(names)) == len(names)  # the two of one name are two files
    for name, (_file, context, _missing) in zip(names, items, strict=False):
        assert _text(archive.read(name)) == _text(documents.render("oswiadczenie", context))
    rows = _index(archive)
    assert rows[0] == ["plik", "dokument", "kompletny", "braki"]
    assert [r[0] for r in rows[1:]] == names[:-1]
    complete = [r for r in rows[1:] if r[2] == "tak"]
    assert len(complete) == 1 and "Ewa Dokumentowa" in _text(archive.read(complete[0][0]))
    assert len(built.incomplete) == len(items) - 1
    assert twin.full_name == world.teammate.full_name
    assert built.size == built.path.stat().st_size


def test_merged_declarations_hold_each_document_in_its_own_section(app, world, tmp_path):
    _participant_data(world.participant)
    items = documents.batch("oswiadczenie", actor=world.coordinator)
    built = batches.build_merged("oswiadczenie", items, tmp_path / "m.docx")
    sections = _sections(built.path.read_bytes())
    assert len(sections) == len(items) == built.documents
    for (_header, body), (_name, context, _missing) in zip(sections, items, strict=True):
        (single,) = _sections(documents.render("oswiadczenie", context))
        assert body.removesuffix("\n") == single[1]  # less the paragraph ending the section
    # only the complete one prints without the draft mark
    assert [("WERSJA ROBOCZA" in h) for h, _b in sections] == [bool(m) for _n, _c, m in items]
    document = Document(str(built.path))
    restarts = [s._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) for s in document.sections]
    assert restarts == ["1"] * len(items)  # each document's pages numbered from 1


def test_merged_agreements_keep_each_draft_mark_and_order(app, world, tmp_path):
    _ore_settings()
    _add_school(world.jst, world.participant)  # Gmina Własna is complete, the others are not
    make_jst("Gmina Zielona")
    items = documents.batch("deklaracja")
    built = batches.build_merged("deklaracja", items, tmp_path / "d.docx")
    sections = _sections(built.path.read_bytes())
    names = ("Gmina Obca", "Gmina Własna", "Gmina Zielona")
    assert [[n for n in names if n in body] for _header, body in sections] == [[n] for n in names]
    assert ["WERSJA ROBOCZA" in header for header, _body in sections] == [True, False, True]
    assert [name for name, _missing in built.incomplete] == [items[0][0], items[2][0]]


def test_merged_plans_hold_every_plan(app, world, tmp_path):
    for name in ("Gmina Pierwsza", "Gmina Druga"):
        add_member(make_jst(name))
    items = documents.batch("plan")
    built = batches.build_merged("plan", items, tmp_path / "p.docx")
    merged = _sections(built.path.read_bytes())
    assert len(merged) == len(items) == 4
    for (_header, body), (_name, context, _missing) in zip(merged, items, strict=True):
        assert body.removesuffix("\n") == _sections(documents.render("plan", context))[0][1]
        assert context["jst"]["name"] in body


def _template_with_logo_list_and_drawing():
    """A template whose header prints the JST and a logo; a numbered list; a picture."""
    document = Document()
    header = document.sections[0].header.paragraphs[0]
    header.add_run("{{ jst.name }} ")
    header.add_run().add_picture(io.BytesIO(PNG))
    document.add_paragraph("{{ jst.name }}")
    for text in ("pierwszy", "drugi"):
        paragraph = document.add_paragraph(text)
        number = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        number.get_or_add_ilvl().val = 0
        number.get_or_add_numId().val = 1
    document.add_picture(io.BytesIO(PNG))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_merged_documents_keep_their_header_logo_and_number_lists_from_1(app, tmp_path):
    template = _template_with_logo_list_and_drawing()
    contexts = [{"jst": {"name": f"Gmina {n}"}} for n in ("Alfa", "Beta", "Gamma")]
    items = [(f"{i}.docx", c, []) for i, c in enumerate(contexts)]
    built = batches.build_merged("plan", items, tmp_path / "l.docx", template=template)
    document = Document(str(built.path))
    assert len(document.sections) == 3
    for section, context in zip(document.sections, contexts, strict=True):
        header = section.header
        assert header.paragraphs[0].text.strip() == context["jst"]["name"]
        (blip,) = header._element.xpath(".//a:blip")
        assert header.part.related_parts[blip.get(qn("r:embed"))].blob == PNG
    body = document.element.body
    numbers = [n.get(qn("w:val")) for n in body.iter(qn("w:numId"))]
    assert numbers[0] == numbers[1] == "1" and numbers[2] == numbers[3] != numbers[4] == numbers[5]
    numbering = document.part.numbering_part.element
    for num_id in set(numbers) - {"1"}:
        (num,) = numbering.xpath(f"w:num[@w:numId='{num_id}']")
        assert num.xpath("w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val") == ["1"]
    drawings = [d.get("id") for d in body.iter(qn("wp:docPr"))]
    assert len(drawings) == 3 and len(set(drawings)) == 3  # unique in the document


def test_a_template_rendered_the_slow_way_still_merges(app, tmp_path):
    document = Document()
    document.core_properties.title = "{{ jst.name }}"  # tags in the properties: docxtpl's way
    document.add_paragraph("Dokument: {{ jst.name }}")
    out = io.BytesIO()
    document.save(out)
    items = [(f"{n}.docx", {"jst": {"name": n}}, []) for n in ("Gmina A", "Gmina B")]
    assert not docx_batch.compiled(out.getvalue(), "plan").fast
    built = batches.build_merged("plan", items, tmp_path / "s.docx", template=out.getvalue())
    assert "Dokument: Gmina A" in _text(built.path.read_bytes())
    assert "Dokument: Gmina B" in _text(built.path.read_bytes())
    archive = batches.build_zip("plan", items, tmp_path / "s.zip", template=out.getvalue())
    assert "Dokument: Gmina B" in _text(zipfile.ZipFile(archive.path).read("Gmina B.docx"))


@pytest.mark.parametrize("build", [batches.build_zip, batches.build_merged])
def test_a_cancelled_build_stops_and_leaves_no_file(app, world, tmp_path, build):
    items = documents.batch("oswiadczenie", actor=world.coordinator)
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == 2:
            raise Cancelled

    path = tmp_path / "anulowany"
    with pytest.raises(Cancelled):
        build("oswiadczenie", items, path, progress)
    assert calls == [1, 2] and not path.exists()


def test_an_empty_selection_says_so(app, tmp_path):
    for build in (batches.build_zip, batches.build_merged, batches.build_pdf_batch):
        with pytest.raises(batches.EmptyBatch, match="wybór jest pusty"):
            build("deklaracja", [], tmp_path / "pusty")
    assert not (tmp_path / "pusty").exists()


def test_items_may_come_lazily_with_their_total(app, world, tmp_path):
    items = documents.batch("deklaracja")
    seen = []
    built = batches.build_zip(
        "deklaracja", iter(items), None, lambda d, t: seen.append(t), total=len(items)
    )
    try:
        assert zipfile.ZipFile(built.path).namelist()[:-1] == [name for name, _c, _m in items]
        assert seen == [len(items)] * len(items)
    finally:
        built.path.unlink()


def test_throttled_progress_passes_the_first_and_the_last(app):
    seen = []
    progress = batches.throttled(lambda d, t: seen.append(d), seconds=3600)
    for done in range(1, 101):
        progress(done, 100)
    assert seen == [1, 100]


def _pictures(data):
    """[(where, image bytes, (cx, cy))] of every drawing of a .docx, in the order of its parts."""
    document = Document(io.BytesIO(data))
    found = []
    parts = [("body", document.part)] + [
        (kind, getattr(section, kind).part)
        for section in document.sections
        for kind in ("header", "footer")
    ]
    for where, part in parts:
        for inline in part.element.iter(qn("wp:inline")):
            (blip,) = inline.xpath(".//a:blip")
            extent = inline.find(qn("wp:extent"))
            found.append(
                (
                    where,
                    part.related_parts[blip.get(qn("r:embed"))].blob,
                    (extent.get("cx"), extent.get("cy")),
                )
            )
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_images_print_as_docxtpl_prints_them(app, kind):
    """The logo strip in the header and the certificate's QR code: the same image, the same
    size, in the same part, rendered fast as by docxtpl."""
    settings.save_logo(_logo())
    context = documents.sample_context(kind)
    assert context["logo"]
    fast = docx_batch.compiled(documents.template_bytes(kind), kind).render(context)
    single = documents.render(kind, context)
    assert _pictures(fast) == _pictures(single)
    assert [where for where, _blob, _size in _pictures(fast)].count("header") == 1
    assert _text(fast) == _text(single)


def _logo():
    import segno  # noqa: PLC0415

    out = io.BytesIO()
    segno.make("logo ORE", error="h").save(out, kind="png", scale=6)
    return out.getvalue()


def test_merged_batch_with_a_logo_is_built_linearly_and_opens_in_libreoffice(app, world, tmp_path):
    """A logo uploaded in settings: the merged agreements are joined by their bodies (no longer
    composed document by document), the logo is one media part shared by every header, and
    LibreOffice prints each JST's text and the image."""
    logo = _logo()
    settings.save_logo(logo)
    for n in range(3):
        add_member(make_jst(f"Gmina Logo {n}"))
    items = documents.batch("deklaracja")
    assert len(items) >= 4
    built = batches.build_merged("deklaracja", items, tmp_path / "logo.docx")
    archive = zipfile.ZipFile(built.path)
    media = [name for name in archive.namelist() if name.startswith("word/media/")]
    assert len([name for name in media if archive.read(name) == logo]) == 1  # shared
    document = Document(str(built.path))
    assert len(document.sections) == len(items)
    for section in document.sections:
        blobs = [
            section.header.part.related_parts[blip.get(qn("r:embed"))].blob
            for blip in section.header._element.iter(qn("a:blip"))
        ]
        assert blobs == [logo]
    if not pdf.available():
        if os.environ.get("PLANJST_REQUIRE_BROWSER"):
            raise AssertionError("LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    (converted,) = pdf.convert_files([built.path], tmp_path / "pdf")
    assert converted is not None
    text = subprocess.run(
        ["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True
    ).stdout
    for _name, context, _missing in items:
        assert context["jst"]["name"] in text
    listed = subprocess.run(
        ["pdfimages", "-list", str(converted)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    pages = {int(line.split()[0]) for line in listed}
    assert len(pages) >= len(items)  # the logo on the first page of every agreement at least
