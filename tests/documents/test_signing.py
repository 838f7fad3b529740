"""Issue 28: a merged batch whose every document counts its own pages (the merged .docx says
"strona N", the merged PDF "strona N z M" per document), and one signing pack per JST — as
printed: the PDF's text, page by page."""

import io
import re
import subprocess
import zipfile
from datetime import date

import pikepdf
from docx import Document
from docx.oxml.ns import qn

from lib.identifiers import make_pesel
from services import documents
from services.documents import batches
from tests.batches import job_file
from tests.conftest import login
from tests.documents.conftest import _add_school, _ore_settings, _participant_data
from tests.documents.test_pdf import LIBREOFFICE
from tools import check_docs


def _pages(data):
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def _structure(data):
    """What a screen reader gets of a joined PDF: pdfinfo's "Tagged", the title, the language,
    the PDF/A part, and per document (a /Part of the one /Document) its title and the kinds of
    its structure elements; checks each element's /P is its parent and each page's
    /StructParents is a key of the parent tree."""
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.StructTreeRoot
        (document,) = tree.K
        assert document.S == "/Document" and document.P.objgen == tree.objgen
        parts = []
        for part in document.K:
            assert part.S == "/Part" and part.P.objgen == document.objgen
            kinds, stack = set(), [part]
            while stack:
                node = stack.pop()
                kids = node.get("/K")
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                for kid in kids:
                    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                        assert kid.P.objgen == node.objgen
                        kinds.add(str(kid.S))
                        stack.append(kid)
            parts.append((str(part.T), kinds))
        keys = set(tree.ParentTree.Nums[::2])
        assert all(int(page.obj.StructParents) in keys for page in pdf.pages)
        assert int(tree.ParentTreeNextKey) == max(keys) + 1
        return {
            "tagged": "Tagged:          yes" in info.stdout.decode(),
            "title": str(pdf.docinfo.Title),
            "language": str(pdf.Root.Lang),
            "pdfa": pdf.open_metadata().get("pdfaid:part"),
            "intent": len(pdf.Root.get("/OutputIntents", [])),
            "bookmarks": [item.title for item in pdf.open_outline().root],
            "parts": parts,
        }


def _documents(pages, title):
    """The pages split into documents, each starting at a page that prints `title`."""
    starts = [i for i, page in enumerate(pages) if title in page]
    return [pages[a:b] for a, b in zip(starts, [*starts[1:], len(pages)], strict=True)]


def test_a_merged_docx_numbers_pages_without_the_files_total(app, world):
    _ore_settings()
    built = batches.build_merged("deklaracja", documents.batch("deklaracja"))
    doc = Document(built.path)
    built.path.unlink()
    footers = [s.footer._element for s in doc.sections]
    assert len(footers) == 2
    for footer in footers:  # PAGE (from 1 in each section), no NUMPAGES: it counts the file
        instructions = [t.text.split()[0] for t in footer.iter(qn("w:instrText"))]
        assert instructions == ["PAGE"]
        text = "".join(footer.itertext())
        assert "strona 1" in text and " z " not in text


def test_the_composed_merge_of_a_template_with_footnotes_drops_the_total_too(app, world):
    _ore_settings()
    data = documents.merged("deklaracja", documents.batch("deklaracja"))
    for section in Document(io.BytesIO(data)).sections:
        footer = section.footer._element
        assert [t.text.split()[0] for t in footer.iter(qn("w:instrText"))] == ["PAGE"]


@LIBREOFFICE
def test_the_merged_pdf_counts_each_documents_own_pages(app, client, world):
    _ore_settings()
    _add_school(world.jst, world.participant)
    login(client, world.coordinator)
    response = job_file(client, "/zadania-w-tle/dokumenty/deklaracja/scalone-pdf")
    assert response.mimetype == "application/pdf"
    agreements = _documents(_pages(response.data), "Porozumienie o współpracy")
    assert [pages[0].count("Gmina") > 0 for pages in agreements] == [True, True]
    for pages in agreements:
        for number, page in enumerate(pages, start=1):
            assert f"strona {number} z {len(pages)}" in page, page[-80:]
    # joined, still tagged: each agreement's title, headings and tables in its own part
    tags = _structure(response.data)
    assert tags["tagged"] and tags["language"] == "pl-PL" and tags["pdfa"] == "2"
    assert tags["title"] == "Deklaracja współpracy między JST a ORE – wszystkie dokumenty"
    titles = [title for title, _kinds in tags["parts"]]
    assert (
        titles
        == tags["bookmarks"]
        == [
            "Deklaracja współpracy między JST a ORE – Gmina Obca",
            "Deklaracja współpracy między JST a ORE – Gmina Własna",
        ]
    )
    for _title, kinds in tags["parts"]:
        assert {"/Title", "/H1", "/Table", "/TH", "/TD"} <= kinds, kinds


@LIBREOFFICE
def test_signing_pack_lists_who_signs_where_then_every_document(app, client, world, tmp_path):
    _ore_settings()
    _add_school(world.jst, world.participant)
    _participant_data(world.participant, sex="K")
    _participant_data(world.teammate, sex="M", pesel=make_pesel(date(1980, 5, 5), True, 31))
    world.jst.signatory1_name, world.jst.signatory1_function = "Jan Testowy", "Wójt"
    world.jst.save()
    login(client, world.coordinator)
    response = client.get(f"/jst/{world.jst.id}/dokumenty/pakiet-do-podpisu.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "pakiet-do-podpisu-gmina-wlasna.pdf" in response.headers["Content-Disposition"]
    pages = _pages(response.data)
    cover = pages[0]
    assert "Pakiet dokumentów do podpisu — Gmina Własna" in cover
    assert "Za JST: Jan Testowy — Wójt" in cover and "Bez kontrasygnaty" in cover
    for member in (world.participant, world.teammate):
        assert f"Oświadczenie uczestnika projektu — {member.full_name}" in cover
    assert "Nie podpisuje się: wersja niezatwierdzona (szkic)" in cover  # the plan is a draft
    assert pages[1].startswith("Porozumienie o współpracy")
    count = int(re.search(r"strona 1 z (\d+)", pages[1]).group(1))
    agreement = pages[1 : 1 + count]
    assert "Porozumienie o współpracy (2 egzemplarze)" in cover
    assert f"Strony 2–{1 + len(agreement)}" in cover  # the table reads column by column
    signed = [i + 1 for i, page in enumerate(pages) if "Podpisy Stron" in page]
    assert signed and f"Gdzie strona {signed[0]} strony" in cover  # the agreement's row
    for number, page in enumerate(agreement, start=1):
        assert f"strona {number} z {len(agreement)}" in page
    declarations = _documents(pages[1:], "Oświadczenie uczestnika projektu Projekt")
    assert len(declarations) == 2
    plan = [i for i, page in enumerate(pages) if "Plan podnoszenia jakości" in page]
    assert plan and plan[0] > len(agreement)
    pack = tmp_path / "pakiet.pdf"
    pack.write_bytes(response.data)
    assert check_docs.paper(pack) == []  # the cover is A4 as the documents (it was Letter)
    # one tagged PDF: the cover's table, then each document's structure in its own part
    tags = _structure(response.data)
    assert tags["tagged"] and tags["language"] == "pl-PL" and tags["intent"] == 1
    assert tags["title"] == "Pakiet dokumentów do podpisu – Gmina Własna" and tags["pdfa"] == "2"
    titles = [title for title, _kinds in tags["parts"]]
    assert titles == tags["bookmarks"]
    assert titles[:2] == [
        "Pakiet dokumentów do podpisu – Gmina Własna",
        "Porozumienie o współpracy (2 egzemplarze)",
    ]
    assert len(titles) == 5 and titles[-1].startswith("Plan — ")  # cover, 1 + 2 + 1 documents
    assert {"/Table", "/TH"} <= tags["parts"][0][1]  # the cover's table and its header row
    for _title, kinds in tags["parts"][1:]:
        assert {"/H1", "/Table"} <= kinds, kinds
    # the team's pack: only the asking member's own declaration
    team = app.test_client()
    login(team, world.participant)
    pages = _pages(team.get(f"/jst/{world.jst.id}/dokumenty/pakiet-do-podpisu.pdf").data)
    assert f"Oświadczenie uczestnika projektu — {world.participant.full_name}" in pages[0]
    assert f"Oświadczenie uczestnika projektu — {world.teammate.full_name}" not in pages[0]
    assert len(_documents(pages[1:], "Oświadczenie uczestnika projektu Projekt")) == 1
    assert "drukuje on sam" in pages[0]


@LIBREOFFICE
def test_every_jsts_pack_in_a_zip_job(app, client, world):
    _ore_settings()
    login(client, world.coordinator)
    response = job_file(client, "/zadania-w-tle/pakiety-do-podpisu")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = sorted(archive.namelist())
        assert names == ["pakiet-do-podpisu-gmina-obca.pdf", "pakiet-do-podpisu-gmina-wlasna.pdf"]
        cover = _pages(archive.read(names[0]))[0]
    assert "Pakiet dokumentów do podpisu — Gmina Obca" in cover
