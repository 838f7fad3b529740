"""Builds the default Word templates (python-docx writes them, docxtpl fills them).

Run `python doc_templates/build.py` after changing this file; the .docx files are committed, so a
coordinator can open them in Word, edit them and upload a new version in the application.
Every template: A4, one font family (Arial — on Windows; LibreOffice uses the metric-compatible
Liberation Sans) for body and headings, language pl-PL; a header with the logo strip (uploaded in
the settings) and the mark of a draft or of a version not accepted on every page; a footer with
the programme, the EU co-financing line and "strona N z M" (PAGE and NUMPAGES as field runs of
their own paragraph, as Word writes them). Tables repeat their header row on every page and never
split a row of short cells; signature blocks are kept together with their heading.
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
FONT = "Arial"
TEXT_WIDTH = 17.0  # cm: A4 less two margins of 2 cm
SIGNATURE_LINE = "……………………………………………"
LINE = "……………………………………"  # a value to write in by hand

# the JST's signature blocks, by the rules of its kind, with the treasurer's countersignature
JST_SIGNATURES = (
    "{% for s in signatories %}\n\n\n" + SIGNATURE_LINE + "\n{{ s.name }} — {{ s.function }}"
    "{% else %}\n\n\n" + SIGNATURE_LINE + "{% endfor %}"
    "{% if countersignatory %}\n\nKontrasygnata:\n\n\n" + SIGNATURE_LINE + "\n"
    "{{ countersignatory.name }} — {{ countersignatory.function }}{% endif %}"
)


# ---------- the page: styles, header, footer ----------


def _fonts(rpr):
    """One font family for every script, no theme font (Word would prefer the theme's)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _language(rpr):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "pl-PL")
    lang.set(qn("w:eastAsia"), "pl-PL")
    lang.set(qn("w:bidi"), "ar-SA")


def _styles(doc):
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    _language(rpr)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    sizes = {"Title": 16, "Heading 1": 13, "Heading 2": 11, "Heading 3": 10.5}
    for style in doc.styles:
        if style.type not in (1, 2):  # paragraph and character styles; not tables, lists
            continue
        rpr = style.element.get_or_add_rPr()
        _fonts(rpr)
        _language(rpr)
    for name, size in sizes.items():
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
    title = doc.styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):  # python-docx's default underlines the title
        title.remove(border)


def _field(paragraph, instruction, size):
    """A field (PAGE, NUMPAGES) as Word writes it: begin, instruction, separate, shown value,
    end — each a run of the paragraph."""

    def run(child):
        r = paragraph.add_run()
        r.font.size = Pt(size)
        r._r.append(child)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} \\* MERGEFORMAT "
    run(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run(separate)
    paragraph.add_run("1").font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run(end)


def _small(paragraph, text, size=7.5, bold=False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return run


def _document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = Cm(2.6)
    section.header_distance = section.footer_distance = Cm(0.8)
    _styles(doc)
    header = section.header
    logo = header.paragraphs[0]
    logo.text = "{%p if logo %}"
    header.add_paragraph("{{ logo }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_paragraph("{%p endif %}")
    _small(header.add_paragraph(), "{{ mark }}", size=9, bold=True)
    footer = section.footer
    _small(footer.paragraphs[0], "{{ programme }}")
    _small(footer.add_paragraph(), "{{ footer }}")
    pages = footer.add_paragraph()
    _small(pages, "strona ", size=8)
    _field(pages, "PAGE", 8)
    _small(pages, " z ", size=8)
    _field(pages, "NUMPAGES", 8)
    return doc


# ---------- building blocks ----------


def _row_flags(row, header=False):
    """A row never split across pages; a header row repeated on every page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _widths(table, widths):
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        column.set(qn("w:w"), str(int(width * 567)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _shade(cell, fill="E7E6E6"):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(doc, headers, loop, cells, widths):
    """A table with a header row (repeated on every page) and one row per item (docxtpl
    {%tr %} rows) that is never split."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        _shade(cell)
    _row_flags(table.rows[0], header=True)
    table.rows[1].cells[0].text = "{%tr for item in " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    _row_flags(table.rows[2])
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _widths(table, widths)
    return table


def _fields(doc, pairs, label_width=5.0):
    """A two-column table of labels and values (a value of any length flows on)."""
    table = doc.add_table(rows=len(pairs), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, pairs, strict=True):
        row.cells[0].text = label
        row.cells[0].paragraphs[0].runs[0].bold = True
        _shade(row.cells[0], "F2F2F2")
        row.cells[1].text = value
    _widths(table, [label_width, TEXT_WIDTH - label_width])
    return table


def _keep_together(paragraph, with_next=False):
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = with_next
    return paragraph


def _numbered(doc, items):
    for number, text in enumerate(items, start=1):
        paragraph = doc.add_paragraph(f"{number}. {text}")
        paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)


def _signature_table(doc, cells):
    """Signature blocks side by side, one row that is never split across pages."""
    table = doc.add_table(rows=1, cols=len(cells))
    for cell, text in zip(table.rows[0].cells, cells, strict=True):
        cell.text = text
    _row_flags(table.rows[0])
    _widths(table, [TEXT_WIDTH / len(cells)] * len(cells))
    return table


def _page_break(doc):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# ---------- the documents ----------


def declaration():
    doc = _document()
    doc.add_heading("Oświadczenie uczestnika projektu", level=0)
    doc.add_paragraph(
        "Projekt „{{ project.title }}”, nr {{ project.number }}, realizowany przez {{ ore.name }} "
        "w ramach: {{ project.measure }} — program „{{ programme }}”."
    )
    doc.add_heading("Deklaracja uczestnictwa w projekcie", level=1)
    doc.add_paragraph(
        "Ja, {{ g.podpisany }} {{ p.first_name }} {{ p.last_name }}, deklaruję chęć udziału "
        "w projekcie „{{ project.title }}” nr {{ project.number }}. Oświadczam, że:"
    )
    _numbered(
        doc,
        [
            "spełniam kryteria kwalifikowalności uprawniające do udziału w projekcie — jestem "
            "{{ g.zatrudniony }} w {{ p.employer }} lub działam na jej rzecz;",
            "dane podane w tym oświadczeniu są zgodne z prawdą — jestem {{ g.swiadomy }} "
            "odpowiedzialności za składanie oświadczeń niezgodnych z prawdą;",
            "{{ g.zostalem }} {{ g.poinformowany }}, że projekt jest współfinansowany przez Unię "
            "Europejską ze środków Europejskiego Funduszu Społecznego;",
            "w ciągu 4 tygodni od zakończenia udziału w projekcie przekażę dane o mojej sytuacji "
            "po jego zakończeniu (status na rynku pracy, udział w kształceniu lub szkoleniu).",
        ],
    )
    doc.add_heading("Dane uczestnika", level=1)
    _fields(
        doc,
        [
            ("Kraj", "{{ p.country }}"),
            ("Rodzaj uczestnika", "{{ p.participant_kind }}"),
            ("Nazwa instytucji", "{{ p.institution }}"),
            ("Imię i nazwisko", "{{ p.first_name }} {{ p.last_name }}"),
            ("PESEL", "{{ p.pesel }}"),
            ("Płeć", "{{ p.sex_label }}"),
            ("Data urodzenia", "{{ p.birth_date }}"),
            ("Wiek w chwili przystąpienia do projektu", "{{ p.age }}"),
            ("Wykształcenie", "{{ p.education_label }}"),
        ],
    )
    doc.add_heading("Adres zamieszkania i kontakt", level=1)
    _fields(
        doc,
        [
            ("Województwo", "{{ p.voivodeship }}"),
            ("Powiat", "{{ p.powiat }}"),
            ("Gmina", "{{ p.gmina }}"),
            ("Miejscowość", "{{ p.town }}"),
            (
                "Ulica, nr budynku, nr lokalu",
                "{{ p.street }} {{ p.house_no }}{% if p.flat_no %}/{{ p.flat_no }}{% endif %}",
            ),
            ("Kod pocztowy", "{{ p.postal_code }}"),
            ("Obszar", "{{ p.area_label }}"),
            ("Telefon kontaktowy", "{{ p.phone }}"),
            ("Adres e-mail", "{{ p.email }}"),
        ],
    )
    doc.add_heading("Udział w projekcie", level=1)
    _fields(
        doc,
        [
            ("Data rozpoczęcia udziału w projekcie", "{{ p.joined_at }}"),
            ("Data zakończenia udziału w projekcie", "{{ p.left_at }}"),
            ("Status na rynku pracy", "{{ p.labour_status }} — {{ p.labour_kind }}"),
            ("Wykonywany zawód", "{{ p.occupation }}"),
            ("{{ g.zatrudniony|capitalize }} w", "{{ p.employer }}"),
            ("Sytuacja w chwili zakończenia udziału", "{{ p.leaving_status }}"),
            ("Mniejszość, migrant, obce pochodzenie", "{{ p.minority_label }}"),
            ("Niepełnosprawność", "{{ p.disability_label }}"),
            ("Inna niekorzystna sytuacja społeczna", "{{ p.disadvantage_label }}"),
        ],
    )
    doc.add_heading("Klauzula informacyjna", level=1)
    doc.add_paragraph("{{ clause }}")
    _numbered(
        doc,
        [
            "W zakresie danych przetwarzanych w centralnym systemie teleinformatycznym SL2014 "
            "administratorem danych jest {{ rodo.authority }}; kontakt z inspektorem ochrony "
            "danych: {{ rodo.authority_dpo }}.",
            "Dane są przetwarzane na podstawie art. 6 ust. 1 lit. c RODO, a dane o "
            "niepełnosprawności (dane dotyczące zdrowia) — na podstawie art. 9 ust. 2 lit. g "
            "RODO, w związku z: {{ rodo.legal_acts }}.",
            "Dane będą przechowywane do dnia {{ rodo.retention }}.",
            "Dane nie będą przekazywane do państwa trzeciego ani organizacji międzynarodowej.",
            "Dane nie będą poddawane zautomatyzowanemu podejmowaniu decyzji, w tym profilowaniu.",
            "W ciągu 4 tygodni po zakończeniu udziału w projekcie uczestnik przekazuje dane "
            "o swojej sytuacji po jego zakończeniu (zatrudnienie, dalsze kształcenie).",
        ],
    )
    # the statement and the signature lines on one page
    _keep_together(
        doc.add_paragraph(
            "{{ g.zapoznalem|capitalize }} się z klauzulą informacyjną: {{ p.clause_accepted_at }}"
        ),
        with_next=True,
    )
    _keep_together(doc.add_paragraph(""), with_next=True)
    _signature_table(
        doc,
        [
            "\n\n" + SIGNATURE_LINE + "\nmiejscowość i data",
            "\n\n" + SIGNATURE_LINE + "\nczytelny podpis uczestnika projektu",
        ],
    )
    doc.save(HERE / "oswiadczenie.docx")


def agreement():
    doc = _document()
    doc.add_heading("Deklaracja współpracy między JST a ORE", level=0)
    doc.add_paragraph("Porozumienie o współpracy").runs[0].bold = True
    # a draft without the JST's date of the agreement leaves it to be written in by hand
    doc.add_paragraph(
        "zawarte {{ ore.place }} dnia "
        "{% if agreement_date %}{{ agreement_date }}{% else %}" + LINE + " r.{% endif %} "
        "w ramach projektu „{{ project.title }}” nr {{ project.number }} "
        "(program „{{ programme }}”), pomiędzy:"
    )
    doc.add_paragraph(
        "{{ ore.name }}, {{ ore.address }}, NIP {{ ore.nip }}, REGON {{ ore.regon }}, "
        "reprezentowany przez: {{ ore.representative }} — {{ ore.function }}, zwany dalej „ORE”,"
    )
    doc.add_paragraph("a")
    doc.add_paragraph(
        "{{ jst.name }} ({{ jst.kind_label }}), {{ jst.address }}, NIP {{ jst.nip }}, "
        "REGON {{ jst.regon }}, TERYT {{ jst.teryt }}, "
        "{{ represented }} przez: {% for s in signatories %}{{ s.name }} — {{ s.function }}"
        "{% if not loop.last %}; {% endif %}{% else %}" + LINE + "{% endfor %}"
        "{% if countersignatory %}, przy kontrasygnacie: {{ countersignatory.name }} — "
        "{{ countersignatory.function }}{% endif %}, {{ called }} dalej „JST”,"
    )
    doc.add_paragraph("zwanymi dalej łącznie „Stronami”.")
    doc.add_heading("§ 1. Przedmiot porozumienia", level=1)
    _numbered(
        doc,
        [
            "Przedmiotem porozumienia jest współpraca Stron przy realizacji projektu "
            "„{{ project.title }}” nr {{ project.number }}, realizowanego przez ORE w ramach: "
            "{{ project.measure }}.",
            "JST przystępuje do programu „{{ programme }}” realizowanego przez ORE.",
        ],
    )
    doc.add_heading("§ 2. Zobowiązania JST", level=1)
    doc.add_paragraph("JST zobowiązuje się:")
    _numbered(
        doc,
        [
            "oddelegować zespół liczący od 2 do 4 osób (skład poniżej);",
            "zapewnić udział zespołu we wszystkich pięciu modułach szkoleniowych;",
            "realizować zadania wdrożeniowe między modułami;",
            "przyjąć wizytę eksperta opiekuna;",
            "opracować plan podnoszenia jakości usług oświatowych oraz wspomagania szkół;",
            "objąć wspomaganiem zadeklarowane szkoły i przedszkola (wykaz poniżej);",
            "przekazywać dane potrzebne do ewaluacji programu.",
        ],
    )
    doc.add_heading("Zespół JST", level=2)
    _table(
        doc,
        ["Imię i nazwisko", "Stanowisko"],
        "team",
        ["{{ item.name }}", "{{ item.function }}"],
        [7, 10],
    )
    doc.add_heading("Szkoły i przedszkola objęte wspomaganiem", level=2)
    _table(
        doc,
        ["Nazwa", "Typ", "RSPO", "Adres"],
        "schools",
        ["{{ item.name }}", "{{ item.kind_label }}", "{{ item.rspo }}", "{{ item.address }}"],
        [6, 3.5, 2, 5.5],
    )
    doc.add_heading("§ 3. Zobowiązania ORE", level=1)
    doc.add_paragraph(
        "ORE zapewnia szkolenia, zakwaterowanie i wyżywienie w czasie modułów, eksperta "
        "opiekuna, materiały szkoleniowe oraz zaświadczenia o ukończeniu szkolenia."
    )
    doc.add_heading("§ 4. Osoby do kontaktu", level=1)
    # e-mail and phone are optional: no empty ", , " left behind
    doc.add_paragraph(
        "Ze strony JST: {{ jst.contact_name }}"
        "{% if jst.contact_email %}, {{ jst.contact_email }}{% endif %}"
        "{% if jst.contact_phone %}, {{ jst.contact_phone }}{% endif %}."
    )
    doc.add_paragraph("Ze strony ORE: {{ ore.contact }}.")
    doc.add_paragraph(
        "Zmiana osób do kontaktu nie wymaga zmiany porozumienia; Strona informuje o niej drugą "
        "Stronę na piśmie lub pocztą elektroniczną."
    )
    doc.add_heading("§ 5. Dane osobowe", level=1)
    _numbered(
        doc,
        [
            "Każda ze Stron jest odrębnym administratorem danych osobowych swoich pracowników "
            "i przedstawicieli, w tym osób wskazanych w § 4, udostępnianych drugiej Stronie "
            "wyłącznie w celu wykonania porozumienia.",
            "Administratorem danych osobowych członków zespołu JST jako uczestników projektu jest "
            "ORE, a w zakresie centralnego systemu teleinformatycznego SL2014 — "
            "{{ rodo.authority }}. Uczestnicy otrzymują klauzulę informacyjną wraz z oświadczeniem "
            "uczestnika projektu.",
            "Każda ze Stron sama informuje osoby, których dane przekazuje drugiej Stronie, "
            "o ich przetwarzaniu (art. 14 RODO). Kontakt z inspektorem ochrony danych ORE: "
            "{{ ore.dpo }}.",
        ],
    )
    doc.add_heading("§ 6. Okres obowiązywania", level=1)
    doc.add_paragraph(
        "Porozumienie wchodzi w życie z dniem podpisania przez obie Strony i obowiązuje do dnia "
        "zakończenia realizacji programu ({{ term_end }}). Porozumienie nie rodzi zobowiązań "
        "finansowych między Stronami."
    )
    doc.add_heading("§ 7. Postanowienia końcowe", level=1)
    _numbered(
        doc,
        [
            "Zmiany porozumienia wymagają formy pisemnej pod rygorem nieważności.",
            "Każda ze Stron może wypowiedzieć porozumienie z zachowaniem jednomiesięcznego okresu "
            "wypowiedzenia, w formie pisemnej.",
            "Spory Strony rozstrzygają polubownie, a gdy to się nie uda — sąd powszechny właściwy "
            "dla siedziby ORE.",
            "W sprawach nieuregulowanych porozumieniem stosuje się przepisy Kodeksu cywilnego.",
            "Porozumienie sporządzono w dwóch jednobrzmiących egzemplarzach, po jednym dla każdej "
            "ze Stron.",
        ],
    )
    _keep_together(doc.add_heading("Podpisy Stron", level=2), with_next=True)
    _signature_table(
        doc,
        [
            "Za ORE:\n\nMiejscowość i data: "
            + SIGNATURE_LINE
            + "\n\n\n\n(pieczęć)\n\n\n"
            + SIGNATURE_LINE
            + "\n{{ ore.representative }} — {{ ore.function }}",
            "Za JST:\n\nMiejscowość i data: "
            + SIGNATURE_LINE
            + "\n\n\n\n(pieczęć)"
            + JST_SIGNATURES,
        ],
    )
    doc.save(HERE / "deklaracja.docx")


def plan():
    doc = _document()
    doc.add_heading(
        "Plan podnoszenia jakości usług oświatowych oraz wspomagania szkół w zakresie "
        "rozwoju kompetencji kluczowych uczniów {{ jst.in_name }}",
        level=0,
    )
    doc.add_paragraph("{{ jst.name }}").runs[0].bold = True
    doc.add_paragraph("{{ version_label }} · status: {{ status_label }} · {{ date }}")
    doc.add_paragraph(
        "{% if accepted %}Plan zatwierdzony{% if accepted_by %} przez {{ accepted_by }}"
        "{% endif %}.{% endif %}"
    )
    _fields(
        doc,
        [
            ("Jednostka samorządu terytorialnego", "{{ jst.name }}"),
            ("Rodzaj", "{{ jst.kind_label }}"),
            ("TERYT", "{{ jst.teryt }}"),
            ("Adres", "{{ jst.address }}"),
            ("Organ wykonawczy", "{{ jst.head }}"),
            ("Wersja", "{{ version_label }}"),
            ("Status", "{{ status_label }}"),
            ("Data", "{{ date }}"),
            ("Program", "{{ programme }}"),
            ("Projekt", "„{{ project.title }}”, nr {{ project.number }}"),
        ],
    )
    _page_break(doc)
    doc.add_heading("1. Zespół JST", level=1)
    _table(
        doc,
        ["Imię i nazwisko", "Stanowisko"],
        "team",
        ["{{ item.name }}", "{{ item.function }}"],
        [7, 10],
    )
    doc.add_heading("2. Diagnoza", level=1)
    doc.add_paragraph("{%p for label, value in diagnosis %}")
    heading = doc.add_paragraph("{{ label }}")
    heading.runs[0].bold = True
    heading.paragraph_format.keep_with_next = True
    doc.add_paragraph("{{ value }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("3. Wizja", level=1)
    doc.add_paragraph("{{ texts.vision }}")
    doc.add_heading("4. Cele", level=1)
    doc.add_paragraph("{%p for goal in goals %}")
    strategic = doc.add_paragraph("Cel strategiczny {{ goal.number }}. {{ goal.title }}")
    strategic.runs[0].bold = True
    strategic.paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p for op in goal.operational %}")
    doc.add_paragraph("Cel operacyjny {{ op.number }}. {{ op.title }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("5. Koalicja na rzecz rozwoju oświaty", level=1)
    # the contribution may be long: a full-width row under each partner, not a narrow column
    table = _table(
        doc,
        ["Instytucja", "Osoba", "Rola", "Kontakt"],
        "partners",
        ["{{ item.institution }}", "{{ item.person }}", "{{ item.role }}", "{{ item.contact }}"],
        [5, 3.5, 3.5, 5],
    )
    row = table.add_row()
    row.cells[0].merge(row.cells[3]).text = "Wkład w realizację planu: {{ item.contribution }}"
    table.rows[2]._tr.addnext(row._tr)  # moved into the loop, after the partner's row
    doc.add_heading("6. Szkoły i przedszkola objęte wspomaganiem", level=1)
    _table(
        doc,
        ["Nazwa", "Typ", "RSPO", "Adres", "Dyrektor"],
        "schools",
        [
            "{{ item.name }}",
            "{{ item.kind_label }}",
            "{{ item.rspo }}",
            "{{ item.address }}",
            "{{ item.headteacher }}",
        ],
        [5, 3, 2, 4, 3],
    )
    doc.add_heading("7. Działania", level=1)
    doc.add_paragraph("{%p for item in actions %}")
    doc.add_heading("Działanie {{ loop.index }}. {{ item.title }}", level=2)
    _fields(
        doc,
        [
            ("Cel", "{{ item.goal }}"),
            ("Obszar kompetencji", "{{ item.area_label }}"),
            ("Szkoły", "{{ item.schools|join(', ') }}"),
            ("Odpowiedzialny", "{{ item.responsible }}"),
            ("Partnerzy", "{{ item.partners|join(', ') }}"),
            ("Okres realizacji", "{{ item.period }}"),
            ("Koszt i źródło finansowania", "{{ item.cost }} {{ item.funding }}"),
            ("Wskaźnik", "{{ item.indicator }}"),
            ("Wartość docelowa", "{{ item.target }}"),
            ("Źródło weryfikacji", "{{ item.verification }}"),
            ("Oczekiwany rezultat", "{{ item.expected_result }}"),
        ],
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("8. Monitoring i ewaluacja", level=1)
    _table(
        doc,
        ["Działanie", "Wskaźnik", "Kto mierzy", "Kiedy", "Jak"],
        "measurements",
        [
            "{{ item.action }}",
            "{{ item.indicator }}",
            "{{ item.who }}",
            "{{ item.timing }}",
            "{{ item.how }}",
        ],
        [4.5, 3.5, 3, 2.5, 3.5],
    )
    doc.add_paragraph("Harmonogram ewaluacji: {{ texts.evaluation }}")
    doc.add_heading("9. Ryzyka", level=1)
    _table(
        doc,
        ["Ryzyko", "Sposób zapobiegania"],
        "risks",
        ["{{ item.risk }}", "{{ item.mitigation }}"],
        [8, 9],
    )
    # signed as the agreement is (two for a powiat's zarząd) — only a version accepted
    doc.add_paragraph("{%p if accepted %}")
    doc.add_heading("Zatwierdzenie planu — za JST", level=1)
    _keep_together(doc.add_paragraph("Miejscowość i data: " + SIGNATURE_LINE + JST_SIGNATURES))
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(
        "Ta wersja planu nie jest zatwierdzona ({{ status_label }}) — nie podpisuje się jej."
    ).runs[0].italic = True
    doc.add_paragraph("{%p endif %}")
    doc.save(HERE / "plan.docx")


def attendance_list():
    """A signature column per day of the module: {%tc %} repeats the cell between its tags."""
    doc = _document()
    doc.add_heading("Lista obecności", level=0)
    doc.add_paragraph("{{ programme }}")
    doc.add_paragraph(
        "Moduł {{ module.number }}, {{ module.dates }}, {{ module.venue }} — "
        "grupa robocza {{ group }}"
    )
    table = doc.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    header = ["Lp.", "Imię i nazwisko, JST", "{%tc for day in days %}", "Podpis {{ day }}"]
    person = ["{{ loop.index }}", "{{ person.name }}, {{ person.jst }}"]
    person += ["{%tc for day in days %}", ""]
    for row, texts in ((table.rows[0], header), (table.rows[2], person)):
        for cell, text in zip(row.cells, [*texts, "{%tc endfor %}"], strict=True):
            cell.text = text
    for column in (0, 1, 3):  # the headings, not the loop's tags
        table.rows[0].cells[column].paragraphs[0].runs[0].bold = True
    _row_flags(table.rows[0], header=True)
    _row_flags(table.rows[2])
    table.rows[2].height = Cm(1.1)  # room for a signature
    # a module's three days: a column of 3 cm each (the grid has one column per cell)
    _widths(table, [1.0, 7.0, 3.0, 3.0, 3.0])
    table.rows[1].cells[0].text = "{%tr for person in people %}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    doc.save(HERE / "lista_obecnosci.docx")


def certificate():
    doc = _document()
    doc.add_paragraph("Nr {{ c.number }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading("Zaświadczenie o ukończeniu szkolenia", level=0)
    doc.add_paragraph("Zaświadcza się, że")
    name = doc.add_paragraph()
    name.add_run("{{ c.name }}").bold = True
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        "{{ g.przedstawiciel }} {{ c.jst_genitive }}, {{ g.ukonczyl }} szkolenie w wymiarze "
        "{{ c.hours }} zajęć w ramach programu „{{ programme }}”, realizowanego przez "
        "{{ ore.name }} w okresie {{ c.period }}, obejmujące następujące moduły szkoleniowe:"
    )
    _table(
        doc,
        ["Moduł", "Termin", "Liczba godzin"],
        "c.modules",
        ["{{ item.number }}", "{{ item.dates }}", "{{ item.hours }}"],
        [3, 9, 5],
    )
    basis = doc.add_paragraph("{{ c.legal_basis }}")
    basis.runs[0].font.size = Pt(8.5)
    doc.add_paragraph("Data wystawienia: {{ c.issued_on }}")
    signature = _keep_together(
        doc.add_paragraph(
            "\n\n" + SIGNATURE_LINE + "\n{{ ore.representative }}\n{{ ore.function }} "
            "{{ ore.name_genitive }}"
        )
    )
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = _signature_table(
        doc,
        [
            "{{ c.qr }}",
            "Autentyczność zaświadczenia można sprawdzić na stronie {{ c.verify_url }} "
            "(kod weryfikacyjny: {{ c.code }}) albo skanując kod QR.",
        ],
    )
    _widths(table, [3.5, TEXT_WIDTH - 3.5])
    table.rows[0].cells[1].paragraphs[0].runs[0].font.size = Pt(8)
    doc.save(HERE / "zaswiadczenie.docx")


if __name__ == "__main__":
    declaration()
    agreement()
    plan()
    attendance_list()
    certificate()
