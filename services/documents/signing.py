"""PDFs made of per-document PDFs (lib.tagged_pdf: tagged, each document's structure kept), so
each document keeps its own "strona N z M": a
merged batch of one kind, and one signing pack per JST — for the wójt, burmistrz, prezydent or
starosta a single PDF: a cover sheet listing the documents, who signs each and on which page
(by the JST's kind), then the agreement, each member's declaration and the current plan.

One LibreOffice start converts a pack's documents; a second converts its cover, which names the
pages the first gave."""

import io
import tempfile
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from pypdf import PdfReader

from lib import pdf, tagged_pdf
from lib.text import slugify
from models import Jst

from .. import plans
from . import batches, docx_batch
from .contexts import agreement_context, declaration_context, plan_context
from .kinds import AUTHOR, KINDS
from .rendering import document_title, render, set_package_properties, template_bytes

CHUNK = 50  # documents per LibreOffice start
# who signs for the JST by its kind (DOMAIN: a powiat by two members of its board)
HEADS = {
    "gmina_wiejska": "wójt",
    "gmina_miejska": "burmistrz albo prezydent miasta",
    "gmina_miejsko_wiejska": "burmistrz",
    "miasto_na_prawach_powiatu": "prezydent miasta",
}
POWIAT = "dwóch członków zarządu powiatu (albo członek zarządu i osoba upoważniona przez zarząd)"
PACK_TITLE = "Pakiet dokumentów do podpisu"


def _report(progress, done, total):
    if progress is not None:
        progress(done, total)


def build_merged_pdf(kind, items, path=None, progress=None, total=None, template=None):
    """One PDF of every document of the batch, each converted on its own (its page numbers and
    total its own), joined in order: batches.Built, as services.batches' builders give."""
    if not pdf.available():
        raise pdf.PdfUnavailable(pdf.MISSING)
    items = list(items)
    total = total or len(items)
    if not total:
        raise batches.EmptyBatch()
    data = template if template is not None else template_bytes(kind)
    compiled = docx_batch.compiled(data, kind)
    path = Path(path) if path else Path(tempfile.mkstemp(prefix="planjst-", suffix=".pdf")[1])
    joined, incomplete, failed = [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="planjst-pdf-") as work:
            work = Path(work)
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                sources = []
                for i, (name, context, missing) in enumerate(chunk):
                    source = work / f"{start + i:06d}.docx"
                    source.write_bytes(compiled.render(context))
                    sources.append(source)
                    if missing:
                        incomplete.append((name, list(missing)))

                def chunk_progress(done, _total, start=start):
                    _report(progress, start + done, total)

                results = pdf.convert_files(sources, work / f"pdf{start}", chunk_progress)
                for (name, context, _missing), result in zip(chunk, results, strict=True):
                    if result is None:
                        failed.append(name)
                    else:
                        joined.append((result.read_bytes(), document_title(kind, context)))
                        result.unlink()
            if joined:
                title = f"{KINDS[kind].label} – wszystkie dokumenty"
                tagged_pdf.join(joined, title, path, AUTHOR)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return batches.Built(path, len(items) - len(failed), path.stat().st_size, incomplete, failed)


# ---------- the signing pack ----------


def jst_signers(jst, signatories):
    """Who signs for the JST: the names on its data, else the office its kind requires."""
    if signatories:
        return "; ".join(f"{s['name']} — {s['function']}" for s in signatories)
    if jst.kind == "powiat":
        return POWIAT
    head = HEADS.get(jst.kind, "wójt, burmistrz albo prezydent miasta")
    return f"{head} (albo zastępca lub osoba przez niego upoważniona)"


def pack_documents(jst, actor, own_only=False, audited=True):
    """[(title, kind, context, signs, marker)] of the JST's pack in order: the agreement, each
    member's declaration (own_only: the actor's only — a team member does not read the others'
    personal data; each prints their own), the current plan. marker: text on the page where
    the document is signed. Reading a declaration is audited (declaration_context) unless
    not `audited`: only compared, nothing of it shown (ready_pdf: which version is asked for)."""
    agreement, _missing = agreement_context(jst)
    ore = agreement["ore"]
    entries = [
        (
            "Porozumienie o współpracy (2 egzemplarze)",
            "deklaracja",
            agreement,
            f"Za JST: {jst_signers(jst, agreement['signatories'])}; za ORE: "
            f"{ore['representative']} — {ore['function']}. Bez kontrasygnaty skarbnika: "
            "porozumienie nie rodzi zobowiązań finansowych.",
            "Podpisy Stron",
        )
    ]
    for member in plans.current_team(jst):
        if own_only and member.user_id != actor.id:
            continue
        context, _missing = declaration_context(member.user, actor if audited else None)
        entries.append(
            (
                f"Oświadczenie uczestnika projektu — {member.user.full_name}",
                "oswiadczenie",
                context,
                f"{member.user.full_name}: dwa podpisy — pod deklaracją i pod klauzulą "
                "informacyjną (miejscowość, data, czytelny podpis).",
                "czytelny podpis uczestnika",
            )
        )
    plan, _missing = plan_context(jst)
    if plan["accepted"]:
        countersign = plan["countersignatory"]
        signs = f"Za JST: {jst_signers(jst, plan['signatories'])}" + (
            f"; kontrasygnata: {countersign['name']} — {countersign['function']}."
            if countersign
            else "."
        )
    else:
        signs = f"Nie podpisuje się: wersja niezatwierdzona ({plan['status_label'].lower()})."
    entries.append(
        (
            f"Plan — {plan['version_label']}",
            "plan",
            plan,
            signs,
            "Zatwierdzenie planu" if plan["accepted"] else None,
        )
    )
    return entries


def signing_pack(jst, actor, own_only=False, entries=None):
    """The pack's PDF bytes (pdf.PdfError when LibreOffice cannot make a document of it);
    `entries`: its pack_documents when already read."""
    entries = entries or pack_documents(jst, actor, own_only)
    with tempfile.TemporaryDirectory(prefix="planjst-pack-") as work:
        work = Path(work)
        sources = []
        for i, (_title, kind, context, _signs, _marker) in enumerate(entries):
            source = work / f"{i:03d}.docx"
            source.write_bytes(render(kind, context))
            sources.append(source)
        results = pdf.convert_files(sources, work / "pdf")
        if None in results:
            raise pdf.PdfError(
                "LibreOffice nie przekształcił któregoś z dokumentów pakietu w PDF. Proszę "
                "spróbować ponownie później albo pobrać dokumenty osobno."
            )
        readers = [PdfReader(result) for result in results]
        rows, page = [], 2  # the cover is page 1
        for (title, _kind, _context, signs, marker), reader in zip(entries, readers, strict=True):
            count = len(reader.pages)
            where = _signature_pages(reader, marker, page)
            rows.append((title, f"{page}–{page + count - 1}", signs, where))
            page += count
        cover = work / "okladka.docx"
        cover.write_bytes(cover_docx(jst, rows, own_only))
        (made,) = pdf.convert_files([cover], work / "cover")
        if made is None:
            raise pdf.PdfError("LibreOffice nie przekształcił strony tytułowej pakietu w PDF.")
        out = io.BytesIO()
        tagged_pdf.join(
            [(made, f"{PACK_TITLE} – {jst.name}")]
            + [(r, title) for r, (title, *_rest) in zip(results, entries, strict=True)],
            f"{PACK_TITLE} – {jst.name}",
            out,
            AUTHOR,
        )
        return out.getvalue()


def _signature_pages(reader, marker, first):
    """ "strona 5" / "strony 4 i 6" of the pack where the marker is printed ("—" without)."""
    if marker is None:
        return "—"
    found = [
        first + i
        for i, page in enumerate(reader.pages)
        if marker in " ".join((page.extract_text() or "").split())
    ]
    if not found:
        found = [first + len(reader.pages) - 1]  # the last page holds the signatures
    if len(found) == 1:
        return f"strona {found[0]}"
    return "strony " + ", ".join(map(str, found[:-1])) + f" i {found[-1]}"


def cover_docx(jst, rows, own_only):
    """The cover sheet: rows of (document, pages, who signs, where)."""
    doc = Document()
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = defaults.find(qn("w:rPr"))
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "pl-PL")
    rpr.append(language)
    section = doc.sections[0]  # A4 as the documents after it (python-docx's default: Letter)
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(f"{PACK_TITLE} — {jst.name}", level=0)
    doc.add_paragraph(
        "Pakiet zawiera porozumienie o współpracy, oświadczenia uczestników projektu i aktualny "
        "plan. Każdy dokument ma własną numerację stron; poniżej strony tego pakietu."
    )
    if own_only:
        doc.add_paragraph(
            "Oświadczenie każdego członka zespołu drukuje on sam (Moje dane): pakiet zawiera "
            "tylko oświadczenie osoby, która go pobrała."
        )
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("Dokument", "Strony", "Kto podpisuje", "Gdzie"), strict=True
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    table.autofit = False
    widths = [Cm(width) for width in (4.6, 1.8, 7.6, 3.0)]  # 17 cm: the text's width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice lays out by (it left it at 8.5 cm)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    doc.core_properties.title = f"{PACK_TITLE} – {jst.name}"
    doc.core_properties.language = "pl-PL"
    set_package_properties(doc.part.package)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pack_filename(jst):
    return f"pakiet-do-podpisu-{slugify(jst.name)}.pdf"


def build_packs(actor, path=None, progress=None):
    """A ZIP of every active JST's pack (the coordinator's), built into a file:
    batches.Built (failed: the JSTs whose pack LibreOffice could not make)."""
    jsts = list(Jst.select().where(Jst.status == "active").order_by(Jst.name_sort))
    if not jsts:
        raise batches.EmptyBatch()
    if not pdf.available():
        raise pdf.PdfUnavailable(pdf.MISSING)
    path = Path(path) if path else Path(tempfile.mkstemp(prefix="planjst-", suffix=".zip")[1])
    failed = []
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, jst in enumerate(jsts):
                _report(progress, done, len(jsts))
                try:
                    archive.writestr(pack_filename(jst), signing_pack(jst, actor))
                except pdf.PdfUnavailable:
                    raise
                except pdf.PdfError:
                    failed.append(jst.name)
            _report(progress, len(jsts), len(jsts))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return batches.Built(path, len(jsts) - len(failed), path.stat().st_size, [], failed)
