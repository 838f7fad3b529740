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

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from page import (  # noqa: I001 — run as a script: doc_templates/ is on sys.path
    HERE,
    JST_SIGNATURES,
    JST_SIGNERS,
    LINE,
    SIGNATURE_LINE,
    TEXT_WIDTH,
    add_fields,
    add_numbered,
    add_page_break,
    add_schools,
    add_signature_block,
    add_signature_table,
    add_table,
    keep_together,
    new_document,
    row_flags,
    set_widths,
)

# ---------- the documents ----------


def declaration():
    doc = new_document()
    doc.add_heading("Oświadczenie uczestnika projektu", level=0)
    doc.add_paragraph(
        "Projekt „{{ project.title }}”, nr {{ project.number }}, realizowany przez {{ ore.name }} "
        "w ramach: {{ project.measure }} — program „{{ programme }}”."
    )
    doc.add_heading("Deklaracja uczestnictwa w projekcie", level=1)
    doc.add_paragraph(
        "{{ g.ja_podpisany }} {{ p.first_name }} {{ p.last_name }}, deklaruję chęć udziału "
        "w projekcie „{{ project.title }}” nr {{ project.number }}. Oświadczam, że:"
    )
    add_numbered(
        doc,
        [
            "spełniam kryteria kwalifikowalności uprawniające do udziału w projekcie — "
            "{{ g.jestem_zatrudniony }} w {{ employer.office }} lub działam na {{ employer.jej }} "
            "rzecz;",
            "dane podane w tym oświadczeniu są zgodne z prawdą — {{ g.jestem_swiadomy }} "
            "odpowiedzialności za składanie oświadczeń niezgodnych z prawdą;",
            "{{ g.zostalem_poinformowany }}, że projekt jest współfinansowany przez Unię "
            "Europejską ze środków Europejskiego Funduszu Społecznego;",
            "w ciągu 4 tygodni od zakończenia udziału w projekcie przekażę dane o mojej sytuacji "
            "po jego zakończeniu (status na rynku pracy, udział w kształceniu lub szkoleniu).",
        ],
    )
    doc.add_heading("Dane uczestnika", level=1)
    add_fields(
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
    add_fields(
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
    add_fields(
        doc,
        [
            ("Data rozpoczęcia udziału w projekcie", "{{ p.joined_at }}"),
            ("Data zakończenia udziału w projekcie", "{{ p.left_at }}"),
            ("Status na rynku pracy", "{{ p.labour_status }} — {{ p.labour_kind }}"),
            ("Wykonywany zawód", "{{ p.occupation }}"),
            ("{{ g.zatrudniony_w }}", "{{ employer.office }}"),
            ("Sytuacja w chwili zakończenia udziału", "{{ p.leaving_status }}"),
            ("Mniejszość, migrant, obce pochodzenie", "{{ p.minority_label }}"),
            ("Niepełnosprawność", "{{ p.disability_label }}"),
            ("Inna niekorzystna sytuacja społeczna", "{{ p.disadvantage_label }}"),
        ],
    )
    # the declaration is signed under its data, the clause under its text: each signature on
    # the page of the sentence it confirms
    keep_together(
        doc.add_paragraph(
            "Potwierdzam deklarację udziału w projekcie i zgodność powyższych danych z prawdą."
        ),
        with_next=True,
    )
    add_signature_block(doc, "czytelny podpis uczestnika projektu")
    doc.add_heading("Klauzula informacyjna", level=1)
    doc.add_paragraph("{{ clause }}")
    add_numbered(
        doc,
        [
            "Kontakt z inspektorem ochrony danych ORE: {{ ore.dpo }}.",
            "W zakresie danych przetwarzanych w centralnym systemie teleinformatycznym SL2014 "
            "administratorem danych jest {{ rodo.authority }}; kontakt z inspektorem ochrony "
            "danych: {{ rodo.authority_dpo }}.",
            "Dane są przetwarzane na podstawie art. 6 ust. 1 lit. c RODO, a dane o "
            "niepełnosprawności (dane dotyczące zdrowia) — na podstawie art. 9 ust. 2 lit. g "
            "RODO, w związku z {{ rodo.legal_acts }}.",
            "Dane będą przechowywane do dnia {{ rodo.retention }} (zakończenie okresu "
            "archiwizacji dokumentacji projektu).",
            "Dane nie będą przekazywane do państwa trzeciego ani organizacji międzynarodowej.",
            "Dane nie będą poddawane zautomatyzowanemu podejmowaniu decyzji, w tym profilowaniu.",
            "W ciągu 4 tygodni po zakończeniu udziału w projekcie uczestnik przekazuje dane "
            "o swojej sytuacji po jego zakończeniu (zatrudnienie, dalsze kształcenie).",
        ],
        keep_last=2,
    )
    keep_together(
        doc.add_paragraph(
            "{{ g.zapoznalem_sie }} z klauzulą informacyjną: {{ p.clause_accepted_at }}"
        ),
        with_next=True,
    )
    add_signature_block(doc, "czytelny podpis uczestnika projektu")
    doc.save(HERE / "oswiadczenie.docx")


def agreement():
    doc = new_document()
    doc.add_heading("Porozumienie o współpracy", level=0)
    # one place and date, printed here (the JST's date of the agreement) or written in by hand
    # on a draft; the signature blocks hold no second "miejscowość i data"
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
        ", {{ called }} dalej „JST”,"
    )
    doc.add_paragraph("zwanymi dalej łącznie „Stronami”.")
    doc.add_heading("§ 1. Przedmiot porozumienia", level=1)
    add_numbered(
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
    add_numbered(
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
    add_table(
        doc,
        ["Imię i nazwisko", "Stanowisko"],
        "team",
        ["{{ item.name }}", "{{ item.function }}"],
        [7, 10],
    )
    doc.add_heading("Szkoły i przedszkola objęte wspomaganiem", level=2)
    add_schools(doc)
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
    add_numbered(
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
    add_numbered(
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
        keep_last=2,  # the signature page holds the last clauses, never the signatures alone
    )
    keep_together(doc.add_heading("Podpisy Stron", level=2), with_next=True)
    add_signature_table(
        doc,
        [
            "Za ORE:\n\n\n(pieczęć)\n\n\n"
            + SIGNATURE_LINE
            + "\n{{ ore.representative }} — {{ ore.function }}",
            # no clause commits money (§ 6): no treasurer's countersignature
            "Za JST:\n\n\n(pieczęć)" + JST_SIGNERS,
        ],
    )
    doc.save(HERE / "deklaracja.docx")


def plan():
    doc = new_document()
    doc.add_heading(
        "Plan podnoszenia jakości usług oświatowych oraz wspomagania szkół w zakresie "
        "rozwoju kompetencji kluczowych uczniów {{ jst.in_name }}",
        level=0,
    )
    doc.add_paragraph("{{ jst.name }}").runs[0].bold = True
    doc.add_paragraph("{{ version_label }} · status: {{ status_label }} · {{ date }}")
    # the title page says whether this version may be signed (never a page of its own)
    doc.add_paragraph(
        "{% if accepted %}Plan zatwierdzony{% if accepted_by %} przez {{ accepted_by }}"
        "{% endif %}.{% else %}Ta wersja planu nie jest zatwierdzona ({{ status_label|lower }}) — "
        "nie podpisuje się jej.{% endif %}"
    ).runs[0].italic = True
    add_fields(
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
    add_page_break(doc)
    doc.add_heading("1. Zespół JST", level=1)
    add_table(
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
    table = add_table(
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
    add_schools(doc, headteacher=True)
    doc.add_heading("7. Działania", level=1)
    doc.add_paragraph("{%p for item in actions %}")
    # an action is one table: kept on one page when it fits, else its title (the header row)
    # repeated on the next
    add_fields(
        doc,
        [
            ("Cel", "{{ item.goal }}"),
            ("Obszar kompetencji", "{{ item.area_label }}"),
            ("Szkoły", "{{ item.schools|join(', ') }}"),
            ("Odpowiedzialny", "{{ item.responsible }}"),
            ("Partnerzy", "{{ item.partners|join(', ') }}"),
            ("Okres realizacji", "{{ item.period }}"),
            (
                "Koszt i źródło finansowania",  # no space before the source when no cost
                '{{ item.cost }}{{ " " if item.cost and item.funding else "" }}{{ item.funding }}',
            ),
            ("Wskaźnik", "{{ item.indicator }}"),
            ("Wartość docelowa", "{{ item.target }}"),
            ("Źródło weryfikacji", "{{ item.verification }}"),
            ("Oczekiwany rezultat", "{{ item.expected_result }}"),
        ],
        title="Działanie {{ loop.index }}. {{ item.title }}",
    )
    # a paragraph between two actions' tables: adjacent tables are one table to LibreOffice
    # (the first action's title then repeated over every later one)
    doc.add_paragraph("")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("8. Monitoring i ewaluacja", level=1)
    add_table(
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
    add_table(
        doc,
        ["Ryzyko", "Sposób zapobiegania"],
        "risks",
        ["{{ item.risk }}", "{{ item.mitigation }}"],
        [8, 9],
        keep=True,
    )
    # signed as the agreement is (two for a powiat's zarząd) — only a version accepted
    doc.add_paragraph("{%p if accepted %}")
    doc.add_heading("Zatwierdzenie planu — za JST", level=1)
    keep_together(doc.add_paragraph("Miejscowość i data: " + SIGNATURE_LINE + JST_SIGNATURES))
    doc.add_paragraph("{%p endif %}")
    doc.save(HERE / "plan.docx")


def attendance_list():
    """A signature column per day of the module: {%tc %} repeats the cell between its tags."""
    doc = new_document()
    doc.add_heading("Lista obecności", level=0)
    doc.add_paragraph("{{ programme }} — projekt „{{ project.title }}”, nr {{ project.number }}")
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
    row_flags(table.rows[0], header=True)
    row_flags(table.rows[2])
    table.rows[2].height = Cm(1.1)  # room for a signature
    # a module's three days: a column of 3 cm each (the grid has one column per cell)
    set_widths(table, [1.0, 7.0, 3.0, 3.0, 3.0])
    table.rows[1].cells[0].text = "{%tr for person in people %}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    keep_together(doc.add_paragraph("Osoba prowadząca zajęcia:"), with_next=True)
    add_signature_block(doc, "czytelny podpis osoby prowadzącej zajęcia")
    doc.save(HERE / "lista_obecnosci.docx")


def certificate():
    doc = new_document()
    doc.add_paragraph("Nr {{ c.number }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading("Zaświadczenie o ukończeniu szkolenia", level=0)
    # the person's sex as the form of address (or PESEL) gives it; unknown: no gendered word
    doc.add_paragraph("{%p if g.known %}")
    doc.add_paragraph("Zaświadcza się, że")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("Potwierdza się ukończenie szkolenia przez:")
    doc.add_paragraph("{%p endif %}")
    name = doc.add_paragraph()
    name.add_run("{{ c.name }}").bold = True
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("{%p if g.known %}")
    doc.add_paragraph(
        "{{ g.przedstawiciel }} {{ c.jst_genitive }}, {{ g.ukonczyl }} szkolenie w wymiarze "
        "{{ c.hours }} w ramach programu „{{ programme }}”, realizowanego przez "
        "{{ ore.name }} w okresie {{ c.period }}, obejmujące następujące moduły szkoleniowe:"
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(
        "z ramienia {{ c.jst_genitive }} — szkolenie w wymiarze {{ c.hours }} w ramach "
        "programu „{{ programme }}”, realizowane przez {{ ore.name }} w okresie {{ c.period }}, "
        "obejmujące następujące moduły szkoleniowe:"
    )
    doc.add_paragraph("{%p endif %}")
    add_table(
        doc,
        ["Moduł", "Termin", "Liczba godzin dydaktycznych"],
        "c.modules",
        ["{{ item.number }}", "{{ item.dates }}", "{{ item.hours }}"],
        [3, 8, 6],
    )
    basis = doc.add_paragraph("{{ c.legal_basis }}")
    basis.runs[0].font.size = Pt(8.5)
    keep_together(doc.add_paragraph("Data wystawienia: {{ c.issued_on }}"), with_next=True)
    add_signature_table(
        doc,
        [
            "\n\n\n\n(miejsce na pieczęć)",
            "\n\n\n"
            + SIGNATURE_LINE
            + "\n{{ ore.representative }}\n{{ ore.function }} {{ ore.name_genitive }}",
        ],
    )
    table = add_signature_table(
        doc,
        [
            "{{ c.qr }}",
            "Autentyczność zaświadczenia można sprawdzić na stronie {{ c.verify_url }} "
            "albo skanując kod QR.\nKod weryfikacyjny: {{ c.code }}",
        ],
    )
    set_widths(table, [3.5, TEXT_WIDTH - 3.5])
    table.rows[0].cells[1].paragraphs[0].runs[0].font.size = Pt(8)
    doc.save(HERE / "zaswiadczenie.docx")


if __name__ == "__main__":
    declaration()
    agreement()
    plan()
    attendance_list()
    certificate()
