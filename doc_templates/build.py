"""Builds the default Word templates (python-docx writes them, docxtpl fills them).

Run `python doc_templates/build.py` after changing this file; the .docx files are committed, so a
coordinator can open them in Word, edit them and upload a new version in the application.
Every template: A4, Arial (Windows; LibreOffice maps it to Liberation Sans), a header that says
WERSJA ROBOCZA on every page of a draft, a footer with the programme, the EU co-financing line
and page numbers.
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent


# the JST's signature blocks, by the rules of its kind, with the treasurer's countersignature
JST_SIGNATURES = (
    "{% for s in signatories %}\n\n…………………………………………\n{{ s.name }} — {{ s.function }}"
    "{% else %}\n\n…………………………………………{% endfor %}"
    "{% if countersignatory %}\n\nKontrasygnata:\n\n…………………………………………\n"
    "{{ countersignatory.name }} — {{ countersignatory.function }}{% endif %}"
)


def _document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.name = "Arial"
    header = section.header.paragraphs[0]
    header.text = (
        "{% if draft %}WERSJA ROBOCZA — dokument niekompletny lub niezatwierdzony{% endif %}"
    )
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.runs[0].bold = True
    footer = section.footer.paragraphs[0]
    footer.text = "{{ programme }} · {{ footer }} · strona "
    footer.runs[0].font.size = Pt(8)
    _page_field(footer)
    return doc


def _page_field(paragraph):
    run = paragraph.add_run()
    run.font.size = Pt(8)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run._r.append(field)


def _table(doc, headers, loop, cells):
    """A table with a header row and one row per item (docxtpl {%tr %} rows)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for item in " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def _lines(doc, pairs):
    for label, value in pairs:
        paragraph = doc.add_paragraph()
        paragraph.add_run(label + ": ").bold = True
        paragraph.add_run(value)


def declaration():
    doc = _document()
    doc.add_heading("Oświadczenie uczestnika projektu", level=0)
    doc.add_paragraph("{{ programme }}")
    doc.add_heading("Dane uczestnika", level=1)
    _lines(
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
    _lines(
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
    _lines(
        doc,
        [
            ("Data rozpoczęcia udziału w projekcie", "{{ p.joined_at }}"),
            ("Data zakończenia udziału w projekcie", "{{ p.left_at }}"),
            ("Status na rynku pracy", "{{ p.labour_status }} — {{ p.labour_kind }}"),
            ("Wykonywany zawód", "{{ p.occupation }}"),
            ("Zatrudniony w", "{{ p.employer }}"),
            ("Sytuacja w chwili zakończenia udziału", "{{ p.leaving_status }}"),
            ("Mniejszość, migrant, obce pochodzenie", "{{ p.minority_label }}"),
            ("Niepełnosprawność", "{{ p.disability_label }}"),
            ("Inna niekorzystna sytuacja społeczna", "{{ p.disadvantage_label }}"),
        ],
    )
    doc.add_heading("Klauzula informacyjna", level=1)
    doc.add_paragraph("{{ clause }}")
    doc.add_paragraph(
        "Zapoznałam/zapoznałem się z klauzulą informacyjną: {{ p.clause_accepted_at }}"
    )
    doc.add_paragraph("\n\n…………………………………………\t\t…………………………………………")
    doc.add_paragraph("miejscowość i data\t\t\tczytelny podpis uczestnika")
    doc.save(HERE / "oswiadczenie.docx")


def agreement():
    doc = _document()
    doc.add_heading("Deklaracja współpracy między JST a ORE", level=0)
    # a draft without the JST's date of the agreement leaves it to be written in by hand
    doc.add_paragraph(
        "{{ programme }}, zawarta dnia "
        "{% if agreement_date %}{{ agreement_date }}{% else %}………………………… r.{% endif %}"
    )
    doc.add_heading("Strony", level=1)
    doc.add_paragraph(
        "{{ ore.name }}, {{ ore.address }}, NIP {{ ore.nip }}, REGON {{ ore.regon }}, "
        "reprezentowany przez: {{ ore.representative }} — {{ ore.function }},"
    )
    doc.add_paragraph("oraz")
    doc.add_paragraph(
        "{{ jst.name }} ({{ jst.kind_label }}), {{ jst.street }}, {{ jst.postal_code }} "
        "{{ jst.city }}, NIP {{ jst.nip }}, REGON {{ jst.regon }}, TERYT {{ jst.teryt }}, "
        "{{ represented }} przez: {% for s in signatories %}{{ s.name }} — {{ s.function }}"
        "{% if not loop.last %}; {% endif %}{% endfor %}"
        "{% if countersignatory %}, przy kontrasygnacie: {{ countersignatory.name }} — "
        "{{ countersignatory.function }}{% endif %}."
    )
    doc.add_heading("§ 1. Przedmiot", level=1)
    doc.add_paragraph("JST przystępuje do programu „{{ programme }}” realizowanego przez ORE.")
    doc.add_heading("§ 2. Zobowiązania JST", level=1)
    for text in (
        "oddelegować zespół liczący od 2 do 4 osób (skład poniżej);",
        "zapewnić udział zespołu we wszystkich pięciu modułach szkoleniowych;",
        "realizować zadania wdrożeniowe między modułami;",
        "przyjąć wizytę eksperta opiekuna;",
        "opracować plan podnoszenia jakości usług oświatowych oraz wspomagania szkół;",
        "objąć wspomaganiem zadeklarowane szkoły i przedszkola (wykaz poniżej);",
        "przekazywać dane potrzebne do ewaluacji programu.",
    ):
        doc.add_paragraph(text, style="List Number")
    doc.add_heading("Zespół JST", level=2)
    _table(
        doc, ["Imię i nazwisko", "Stanowisko"], "team", ["{{ item.name }}", "{{ item.function }}"]
    )
    doc.add_heading("Szkoły i przedszkola objęte wspomaganiem", level=2)
    _table(
        doc,
        ["Nazwa", "Typ", "RSPO", "Adres"],
        "schools",
        ["{{ item.name }}", "{{ item.kind_label }}", "{{ item.rspo }}", "{{ item.address }}"],
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
    doc.add_heading("§ 5. Dane osobowe", level=1)
    doc.add_paragraph("{{ clause }}")
    doc.add_heading("§ 6. Postanowienia końcowe", level=1)
    doc.add_paragraph(
        "Deklarację sporządzono w dwóch jednobrzmiących egzemplarzach, po jednym "
        "dla każdej ze stron."
    )
    doc.add_paragraph(
        "\nZa ORE:\n\n…………………………………………\n{{ ore.representative }} — {{ ore.function }}"
    )
    doc.add_paragraph("\nZa JST:" + JST_SIGNATURES)
    doc.save(HERE / "deklaracja.docx")


def plan():
    doc = _document()
    doc.add_heading(
        "Plan podnoszenia jakości usług oświatowych oraz wspomagania szkół w zakresie "
        "rozwoju kompetencji kluczowych uczniów",
        level=0,
    )
    doc.add_paragraph("{{ jst.name }}").runs[0].bold = True
    doc.add_paragraph("Wersja {{ version }} · status: {{ status_label }} · {{ date }}")
    doc.add_paragraph(
        "{% if accepted %}Plan zatwierdzony{% if accepted_by %} przez {{ accepted_by }}"
        "{% endif %}.{% endif %}"
    )
    doc.add_heading("1. Zespół JST", level=1)
    _table(
        doc, ["Imię i nazwisko", "Stanowisko"], "team", ["{{ item.name }}", "{{ item.function }}"]
    )
    doc.add_heading("2. Diagnoza", level=1)
    doc.add_paragraph("{%p for label, value in diagnosis %}")
    heading = doc.add_paragraph("{{ label }}")
    heading.runs[0].bold = True
    doc.add_paragraph("{{ value }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("3. Wizja", level=1)
    doc.add_paragraph("{{ texts.vision }}")
    doc.add_heading("4. Cele", level=1)
    doc.add_paragraph("{%p for goal in goals %}")
    doc.add_paragraph("Cel strategiczny {{ goal.number }}. {{ goal.title }}").runs[0].bold = True
    doc.add_paragraph("{%p for op in goal.operational %}")
    doc.add_paragraph("Cel operacyjny {{ op.number }}. {{ op.title }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("5. Koalicja na rzecz rozwoju oświaty", level=1)
    _table(
        doc,
        ["Instytucja", "Osoba", "Rola", "Wkład", "Kontakt"],
        "partners",
        [
            "{{ item.institution }}",
            "{{ item.person }}",
            "{{ item.role }}",
            "{{ item.contribution }}",
            "{{ item.contact }}",
        ],
    )
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
    )
    doc.add_heading("7. Działania", level=1)
    _table(
        doc,
        [
            "Działanie",
            "Cel",
            "Obszar kompetencji",
            "Szkoły",
            "Odpowiedzialny",
            "Partnerzy",
            "Od–do",
            "Koszt i źródło",
            "Wskaźnik",
            "Wartość docelowa",
            "Źródło weryfikacji",
        ],
        "actions",
        [
            "{{ item.title }}",
            "{{ item.goal }}",
            "{{ item.area_label }}",
            "{{ item.schools|join(', ') }}",
            "{{ item.responsible }}",
            "{{ item.partners|join(', ') }}",
            "{{ item.period }}",
            "{{ item.cost }} {{ item.funding }}",
            "{{ item.indicator }}",
            "{{ item.target }}",
            "{{ item.verification }}",
        ],
    )
    # a twelfth column would not fit A4: the results in a table of their own
    doc.add_heading("Oczekiwane rezultaty działań", level=2)
    _table(
        doc,
        ["Działanie", "Oczekiwany rezultat"],
        "actions",
        ["{{ item.title }}", "{{ item.expected_result }}"],
    )
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
    )
    doc.add_paragraph("Harmonogram ewaluacji: {{ texts.evaluation }}")
    doc.add_heading("9. Ryzyka", level=1)
    _table(
        doc,
        ["Ryzyko", "Sposób zapobiegania"],
        "risks",
        ["{{ item.risk }}", "{{ item.mitigation }}"],
    )
    # signed as the agreement is: by the JST's signatories (two for a powiat's zarząd)
    doc.add_paragraph("\n\nZatwierdzenie planu — za JST:" + JST_SIGNATURES)
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
        "reprezentujący(-a) JST {{ c.jst }}, ukończył(a) szkolenie w ramach programu "
        "„{{ programme }}”, realizowanego przez {{ ore.name }} w okresie {{ c.period }}, "
        "obejmujące następujące moduły szkoleniowe:"
    )
    _table(doc, ["Moduł", "Termin"], "c.modules", ["{{ item.number }}", "{{ item.dates }}"])
    doc.add_paragraph("Data wystawienia: {{ c.issued_on }}")
    doc.add_paragraph(
        "\n\n…………………………………………\n{{ ore.representative }}, {{ ore.function }}\n{{ ore.name }}"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note = doc.add_paragraph(
        "Autentyczność zaświadczenia można sprawdzić na stronie {{ c.verify_url }} "
        "(kod weryfikacyjny: {{ c.code }})."
    )
    note.runs[0].font.size = Pt(8)
    doc.save(HERE / "zaswiadczenie.docx")


if __name__ == "__main__":
    declaration()
    agreement()
    plan()
    attendance_list()
    certificate()
