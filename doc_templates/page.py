"""The page every default template shares (styles, header, footer) and the building blocks of
their content: tables, label–value fields, numbered paragraphs, signature blocks. build.py
writes the documents with them."""

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

# the JST's signature blocks, by the rules of its kind (two board members for a powiat) …
JST_SIGNERS = (
    "{% for s in signatories %}\n\n\n" + SIGNATURE_LINE + "\n{{ s.name }} — {{ s.function }}"
    "{% else %}\n\n\n" + SIGNATURE_LINE + "{% endfor %}"
)
# … with the treasurer's countersignature where the document commits money
JST_SIGNATURES = (
    JST_SIGNERS + "{% if countersignatory %}\n\nKontrasygnata:\n\n\n" + SIGNATURE_LINE + "\n"
    "{{ countersignatory.name }} — {{ countersignatory.function }}{% endif %}"
)


# ---------- the page: styles, header, footer ----------


def set_fonts(rpr):
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


def set_language(rpr):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "pl-PL")
    lang.set(qn("w:eastAsia"), "pl-PL")
    lang.set(qn("w:bidi"), "ar-SA")


def set_styles(doc):
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    set_language(rpr)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    sizes = {"Title": 16, "Heading 1": 13, "Heading 2": 11, "Heading 3": 10.5}
    for style in doc.styles:
        if style.type not in (1, 2):  # paragraph and character styles; not tables, lists
            continue
        rpr = style.element.get_or_add_rPr()
        set_fonts(rpr)
        set_language(rpr)
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


def add_field(paragraph, instruction, size):
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


def small_text(paragraph, text, size=7.5, bold=False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return run


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = Cm(2.6)
    section.header_distance = section.footer_distance = Cm(0.8)
    set_styles(doc)
    header = section.header
    logo = header.paragraphs[0]
    logo.text = "{%p if logo %}"
    header.add_paragraph("{{ logo }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_paragraph("{%p endif %}")
    small_text(header.add_paragraph(), "{{ mark }}", size=9, bold=True)
    footer = section.footer
    small_text(footer.paragraphs[0], "{{ programme }}")
    small_text(footer.add_paragraph(), "{{ footer }}")
    pages = footer.add_paragraph()
    small_text(pages, "strona ", size=8)
    add_field(pages, "PAGE", 8)
    small_text(pages, " z ", size=8)
    add_field(pages, "NUMPAGES", 8)
    return doc


# ---------- building blocks ----------


def row_flags(row, header=False):
    """A row never split across pages; a header row repeated on every page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def set_widths(table, widths):
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


def shade(cell, fill="E7E6E6"):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def add_table(doc, headers, loop, cells, widths, keep=False):
    """A table with a header row (repeated on every page) and one row per item (docxtpl
    {%tr %} rows) that is never split. keep: every row kept with the next (the last with what
    follows), so a table that fits a page is not split (a plan's last page held one row of
    its risks)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        shade(cell)
    row_flags(table.rows[0], header=True)
    table.rows[1].cells[0].text = "{%tr for item in " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    row_flags(table.rows[2])
    table.rows[3].cells[0].text = "{%tr endfor %}"
    if keep:
        for row in (table.rows[0], table.rows[2]):
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    set_widths(table, widths)
    return table


def add_fields(doc, pairs, label_width=5.0, title=None):
    """A two-column table of labels and values (a value of any length flows on); a row is never
    split. With a title: a header row over both columns, repeated on every page the table
    reaches, and every row kept with the next, so a table that fits a page is not split."""
    offset = 1 if title else 0
    table = doc.add_table(rows=len(pairs) + offset, cols=2)
    table.style = "Table Grid"
    if title:
        cell = table.rows[0].cells[0].merge(table.rows[0].cells[1])
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
        shade(cell)
        row_flags(table.rows[0], header=True)
    for row, (label, value) in zip(table.rows[offset:], pairs, strict=True):
        row.cells[0].text = label
        row.cells[0].paragraphs[0].runs[0].bold = True
        shade(row.cells[0], "F2F2F2")
        row.cells[1].text = value
        row_flags(row)
    if title:
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    set_widths(table, [label_width, TEXT_WIDTH - label_width])
    return table


def add_schools(doc, headteacher=False):
    """The schools in two columns of text that wraps between words (five narrow columns broke
    postal codes and e-mail addresses): name, kind and RSPO; address (and headteacher)."""
    second = "{{ item.address }}"
    if headteacher:
        second += "{% if item.headteacher %}\nDyrektor: {{ item.headteacher }}{% endif %}"
    return add_table(
        doc,
        ["Szkoła lub przedszkole", "Adres" + (" i dyrektor" if headteacher else "")],
        "schools",
        ["{{ item.name }}\n{{ item.kind_label }}, RSPO {{ item.rspo }}", second],
        [9, 8],
    )


def keep_together(paragraph, with_next=False):
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = with_next
    return paragraph


def add_numbered(doc, items, keep_last=0):
    """Numbered paragraphs; the last `keep_last` kept with what follows (a signature)."""
    for number, text in enumerate(items, start=1):
        paragraph = doc.add_paragraph(f"{number}. {text}")
        paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)
        if number > len(items) - keep_last:
            keep_together(paragraph, with_next=True)


def add_signature_block(doc, who):
    """Place and date, and a signature line, side by side under the text they confirm."""
    return add_signature_table(
        doc,
        [
            "\n\n" + SIGNATURE_LINE + "\nmiejscowość i data",
            "\n\n" + SIGNATURE_LINE + "\n" + who,
        ],
    )


def add_signature_table(doc, cells):
    """Signature blocks side by side, one row that is never split across pages."""
    table = doc.add_table(rows=1, cols=len(cells))
    for cell, text in zip(table.rows[0].cells, cells, strict=True):
        cell.text = text
    row_flags(table.rows[0])
    set_widths(table, [TEXT_WIDTH / len(cells)] * len(cells))
    return table


def add_page_break(doc):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
