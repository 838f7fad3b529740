"""Every document kind of the demo, printed as a person would print it: rendered, converted by
LibreOffice to PDF (one soffice call for all), pages as PNG images to look at, and checked on
the PDF's text — "strona 1 z N" on the first page and "strona N z N" on the last, every action
title and team member's name unbroken, each signature heading on the page of its lines, page
counts within bounds. Prints JSON; exits 1 when a check fails.

    make check-docs                  # → instance/check-docs/*.pdf, *.png
    .venv/bin/python tools/check_docs.py --out /tmp/docs --no-png

Needs LibreOffice (soffice) and poppler-utils (pdftotext, pdftoppm).
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_PLAN_PAGES = 12  # the demo's plans (a complete plan: 7 pages)
MAX_PAGES = {"deklaracja": 4, "oswiadczenie": 4, "zaswiadczenie": 1, "lista_obecnosci": 2}
ACCEPTED_DEMO_PLAN = "Miasto Nadrzeczne"  # accepted here: its plan prints signature lines


def demo_documents(actor):
    """[(file stem, kind, docx bytes, expectations)] of every kind for every demo JST: the
    agreement, the plan, each team member's declaration, one certificate, the attendance list.
    Expectations: {"jst": name, "words": [...] unbroken, "signatures": (heading, [names]) or
    None}."""
    from lib.text import slugify
    from models import Jst  # noqa: PLC0415 (the app is created first)
    from models.plans import PlanVersion
    from models.programme import Module
    from models.surveys import Certificate
    from services import documents, plans, settings

    out = []
    for jst in Jst.select().where(Jst.status == "active").order_by(Jst.name_sort):
        slug = slugify(jst.name)
        context, _missing = documents.build_context("deklaracja", jst)
        names = [s["name"] for s in context["signatories"]]  # no countersignature: no money
        countersigned = [*names]
        if context["countersignatory"]:
            countersigned.append(context["countersignatory"]["name"])
        team = [m["name"] for m in context["team"]]
        out.append(
            (
                f"deklaracja-{slug}",
                "deklaracja",
                documents.render("deklaracja", context),
                {
                    "jst": jst.name,
                    "words": [jst.name, *team],
                    "signatures": ("Podpisy Stron", names),
                },
            )
        )
        context, _missing = documents.build_context("plan", jst)
        titles = [a["title"] for a in context["actions"]]
        titles += [w for s in context["schools"] for w in (s["name"], s["address"])]
        out.append(
            (
                f"plan-{slug}",
                "plan",
                documents.render("plan", context),
                {
                    "jst": jst.name,
                    "words": [jst.name, *team, *titles],
                    "signatures": ("Zatwierdzenie planu", countersigned)
                    if context["accepted"]
                    else None,
                },
            )
        )
        plan = plans.get_plan(jst)
        current = plan.status_label
        for version in (
            PlanVersion.select().where(PlanVersion.plan == plan).order_by(PlanVersion.number)
        ):
            context, _missing = documents.build_context("plan", jst, version=version.number)
            if context["status_label"] == current:
                continue  # the latest version: printed as the plan above
            out.append(  # an earlier version prints its own status, never the plan's current one
                (
                    f"plan-{slug}-wersja-{version.number}",
                    "plan",
                    documents.render("plan", context),
                    {"jst": jst.name, "words": [jst.name], "signatures": None, "not": current},
                )
            )
        for member in plans.current_team(jst):
            context, _missing = documents.build_context("oswiadczenie", member.user, actor)
            out.append(
                (
                    f"oswiadczenie-{slug}-{slugify(member.user.full_name)}",
                    "oswiadczenie",
                    documents.render("oswiadczenie", context),
                    {
                        "jst": jst.name,
                        "words": [_printed_name(context["p"])],
                        "signatures": (
                            "z klauzulą informacyjną",
                            ["czytelny podpis uczestnika projektu"],
                        ),
                    },
                )
            )
    member = plans.current_team(Jst.get(Jst.name == ACCEPTED_DEMO_PLAN))[0].user
    certificate = Certificate(
        user=member,
        number="ZAS/2017/0001",
        code="demo-kod-weryfikacyjny",
        full_name=member.full_name,
        programme=settings.get("programme_name"),
        issued_on=date(2017, 11, 17),
    )
    context = documents.certificate_context(
        certificate, "https://planjst.example.org/zaswiadczenie/demo-kod-weryfikacyjny"
    )
    out.append(
        (
            "zaswiadczenie",
            "zaswiadczenie",
            documents.render("zaswiadczenie", context),
            {
                "jst": ACCEPTED_DEMO_PLAN,
                # the verification code was split at its hyphen
                "words": [member.full_name, certificate.code],
                "signatures": ("Data wystawienia", [context["ore"]["representative"]]),
            },
        )
    )
    module = Module.select().order_by(Module.number).first()
    context, _missing = documents.attendance_context(module, 1)
    people = [p["name"] for p in context["people"]]
    out.append(
        (
            "lista-obecnosci",
            "lista_obecnosci",
            documents.render("lista_obecnosci", context),
            {"jst": "", "words": people, "signatures": None},
        )
    )
    return out


BATCH_KINDS = ("deklaracja", "oswiadczenie", "plan")  # the kinds with batches of every JST


def demo_batches(actor):
    """[(file stem, PDF bytes, expectations)] of what a coordinator prints at once: each batch
    kind's merged PDF and every JST's signing pack; and [(file stem, "merged", docx bytes,
    expectations)] of each kind's merged .docx (converted with the single documents).
    Expectations: {"jst": a name the PDF title holds, "documents": how many, "cover": a cover
    page first}."""
    from lib.text import slugify  # noqa: PLC0415
    from models import Jst
    from services import documents, plans
    from services.documents import batches, signing

    joined, merged = [], []
    for kind in BATCH_KINDS:
        items = documents.batch(kind)
        built = signing.build_merged_pdf(kind, items)
        joined.append(
            (
                f"wszystkie-{kind}-pdf",
                built.path.read_bytes(),
                {"jst": "", "documents": len(items), "cover": False},
            )
        )
        built.path.unlink()
        built = batches.build_merged(kind, items)
        merged.append((f"wszystkie-{kind}-docx", "merged", built.path.read_bytes(), {"jst": ""}))
        built.path.unlink()
    for jst in Jst.select().where(Jst.status == "active").order_by(Jst.name_sort):
        count = 2 + len(plans.current_team(jst))  # the agreement, the declarations, the plan
        joined.append(
            (
                f"pakiet-{slugify(jst.name)}",
                signing.signing_pack(jst, actor),
                {"jst": jst.name, "documents": count, "cover": True},
            )
        )
    return joined, merged


def _printed_name(person):
    """The name a declaration prints ("" when it prints lines to write it on)."""
    if "……" in person["first_name"]:
        return ""
    return f"{person['first_name']} {person['last_name']}"


def to_pdf(paths, outdir):
    """Convert the .docx files with one soffice call (a profile of its own: another soffice
    running on the machine does not get in the way), tagged PDF/A-2 as the application makes
    them."""
    from lib.pdf import CONVERT_TO  # noqa: PLC0415 (ROOT is on sys.path only now)

    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                CONVERT_TO,
                "--outdir",
                str(outdir),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return [outdir / (path.stem + ".pdf") for path in paths]


def pages(pdf, layout=True):
    """The PDF's text, page by page (pdftotext: pages end in a form feed); layout: as laid out
    (columns side by side), else in reading order (a table's cell whole)."""
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _flat(text):
    """Lines joined by single spaces: a phrase wrapped at a space still reads whole, a word
    broken mid-syllable ("Działa nie") does not."""
    return re.sub(r"\s+", " ", text).replace("\u2011", "-")  # a non-breaking hyphen


def problems(kind, page_texts, expectations, reading=None):
    """What is wrong with one printed document, in words ([] when nothing); reading: its text
    in reading order (a cell of a multi-column table whole)."""
    if kind == "merged":
        return _merged_docx_rows(page_texts)
    found = []
    count = len(page_texts)
    if f"strona 1 z {count}" not in page_texts[0]:
        found.append(f"no 'strona 1 z {count}' on page 1")
    if f"strona {count} z {count}" not in page_texts[-1]:
        found.append(f"no 'strona {count} z {count}' on the last page")
    bound = MAX_PLAN_PAGES if kind == "plan" else MAX_PAGES[kind]
    if count > bound:
        found.append(f"{count} pages (at most {bound})")
    whole = _flat(" ".join(page_texts))
    read = _flat(" ".join(reading or []))
    for word in filter(None, expectations["words"]):
        if _flat(word) not in whole and _flat(word) not in read:
            found.append(f"'{word}' not printed whole")
    if expectations["signatures"]:
        heading, names = expectations["signatures"]
        on = [i for i, text in enumerate(page_texts) if heading in text]
        if not on:
            found.append(f"no signature heading '{heading}'")
        else:
            page = _flat(page_texts[on[-1]])
            for name in names:
                if name not in page:
                    found.append(f"'{name}' is not on the page of '{heading}'")
            if "……" not in page:
                found.append(f"no signature line on the page of '{heading}'")
    found += ROW_CHECKS.get(kind, lambda texts, whole: [])(page_texts, whole)
    if expectations.get("not") and expectations["not"] in whole:
        found.append(f"an earlier version prints the plan's current status '{expectations['not']}'")
    if SLASH_FORM.search(whole):
        found.append(f"slash form '{SLASH_FORM.search(whole).group(0)}'")
    return found


# "ukończyła/ukończył", "podpisana/podpisany": never printed
SLASH_FORM = re.compile(r"\b\w+(a|am|na|ła)/\w+(y|em|ny|ł)\b")


def _on_one_page(texts, *phrases):
    return any(all(p in _flat(t) for p in phrases) for t in texts)


def _declaration_rows(texts, whole):
    found = []
    if re.search(r"zatrudnion[ay] w (Gmina|Miasto|Powiat) ", whole):
        found.append("the employer in the nominative after 'w'")
    if "w związku z:" in whole or "z rozporządzeniem" not in whole:
        found.append("the legal acts not in the instrumental")
    if "r.." in whole:
        found.append("'r..' (two full stops)")
    if len(set(re.findall(r"iod@[\w.-]+", whole))) > 2 or "iod@example.org" in whole:
        found.append("more than one DPO address for ORE")
    if whole.count("archiwizacji") > 1:
        found.append("two retention statements")
    for text in ("Potwierdzam deklarację", "z klauzulą informacyjną"):
        if not _on_one_page(texts, text, "czytelny podpis uczestnika projektu"):
            found.append(f"no signature on the page of '{text}'")
    if "……" in _flat(texts[0]).split("Ja,")[1][:40]:
        found.append("the name printed as dotted lines")
    return found


def _agreement_rows(texts, whole):
    found = []
    if "Deklaracja współpracy między" in whole:
        found.append("two titles")
    if "Miejscowość i data" in whole:
        found.append("a second place and date convention")
    if "ontrasygnat" in whole:
        found.append("a countersignature though no clause creates an obligation")
    if not _on_one_page(texts, "Podpisy Stron", "jednobrzmiących"):
        found.append("the signature page holds no clause")
    return found


def _certificate_rows(texts, whole):
    found = []
    if "poz. 2175" not in whole or "Dz. U. z 2014 r. poz. 622" in whole:
        found.append("the legal basis is not the 2023 regulation")
    if "pieczęć" not in whole:
        found.append("no place for a stamp")
    if "21 godzin dydaktycznych" not in whole:
        found.append("a module's hours are not its sessions' 21 teaching hours")
    return found


def _plan_rows(texts, whole):
    found = []
    if "Zatwierdzenie planu" not in whole and "nie jest zatwierdzona" not in _flat(texts[0]):
        found.append("the not-accepted notice is not on the title page")
    if sum("Sposób zapobiegania" in text for text in texts) > 1:  # the demo's risks fit a page
        found.append("the risks table split over pages")
    for number, text in enumerate(texts[1:], start=2):
        body = _flat(text).split("strona ")[0]
        if "nie jest zatwierdzona" in body and len(body) < 400:
            found.append(f"page {number} holds only the notice")
    return found


def _attendance_rows(texts, whole):
    found = []
    if any(re.fullmatch(r"\s*r\.\s*", line) for t in texts for line in t.splitlines()):
        found.append("an orphan 'r.'")
    if "projekt „" not in whole or ", nr " not in whole:
        found.append("no project number")
    if "czytelny podpis osoby prowadzącej zajęcia" not in whole:
        found.append("no trainer's signature line")
    return found


def _merged_docx_rows(texts):
    """A merged .docx: each document's pages "strona 1", "strona 2" … from 1, never the file's
    total ("strona 1 z 19" on a 3-page agreement)."""
    found, documents = [], 0
    for number, text in enumerate(texts, start=1):
        printed = re.findall(r"strona (\d+)( z \d+)?", _flat(text))
        if not printed:
            found.append(f"page {number} has no page number")
            continue
        page, total = printed[-1]
        if total:
            found.append(f"page {number} prints a total ('strona {page}{total}')")
        documents += page == "1"
    if not documents:
        found.append("no document starts at 'strona 1'")
    return found


def joined_problems(page_texts, expectations, parts):
    """What is wrong with a joined PDF (a merged batch, a signing pack): each document's pages
    numbered "strona N z M" from 1 to its own M, as many documents as expected; its structure
    tree holds a titled part with headings per document (parts: [(title, {kinds})])."""
    found, documents, expected_next = [], 0, None
    texts = page_texts[1:] if expectations["cover"] else page_texts
    for number, text in enumerate(texts, start=2 if expectations["cover"] else 1):
        printed = re.findall(r"strona (\d+) z (\d+)", _flat(text))
        if not printed:
            found.append(f"page {number} has no 'strona N z M'")
            continue
        page, total = map(int, printed[-1])
        if page == 1:
            if expected_next is not None:
                found.append(f"a document ends at page {number - 1} before its last page")
            documents += 1
        elif (page, total) != expected_next:
            found.append(f"page {number}: 'strona {page} z {total}' out of order")
        expected_next = (page + 1, total) if page < total else None
    if expected_next is not None:
        found.append("the last document ends before its last page")
    if documents != expectations["documents"]:
        found.append(f"{documents} documents (expected {expectations['documents']})")
    if len(parts) != expectations["documents"] + expectations["cover"]:
        found.append(f"{len(parts)} tagged parts (expected one per document)")
    for title, kinds in parts:
        if not kinds & {"/H1", "/Title"} or not title:
            found.append(f"the tagged part '{title}' has no title or heading")
    return found


def structure(pdf):
    """[(title, {structure element kinds})] of each /Part of a joined PDF's /Document."""
    import pikepdf  # noqa: PLC0415

    out = []
    with pikepdf.open(pdf) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return out
        for top in tree.K:
            for part in top.get("/K", []):
                if not isinstance(part, pikepdf.Dictionary) or part.get("/S") != "/Part":
                    continue
                kinds, stack = set(), [part]
                while stack:
                    kids = stack.pop().get("/K")
                    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                    for kid in kids:
                        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                            kinds.add(str(kid.S))
                            stack.append(kid)
                out.append((str(part.get("/T", "")), kinds))
    return out


def check_joined(joined, outdir, png=True):
    """{file: {"pages": n, "problems": [...]}} of the joined PDFs written into outdir."""
    report = {}
    for stem, data, expect in joined:
        pdf = outdir / f"{stem}.pdf"
        pdf.write_bytes(data)
        texts = pages(pdf)
        found = joined_problems(texts, expect, structure(pdf))
        report[pdf.name] = _printed(pdf, texts, found, expect, png)
    return report


def _printed(pdf, texts, found, expect, png):
    """A PDF's entry in the report: its pages and problems with what every PDF must be
    (accessible, A4); its pages as PNG images beside it (png)."""
    if png:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(pdf.with_suffix(""))], check=True
        )
    return {
        "pages": len(texts),
        "problems": found + accessibility(pdf, expect["jst"]) + paper(pdf),
    }


ROW_CHECKS = {
    "oswiadczenie": _declaration_rows,
    "deklaracja": _agreement_rows,
    "zaswiadczenie": _certificate_rows,
    "plan": _plan_rows,
    "lista_obecnosci": _attendance_rows,
}


def paper(pdf):
    """Pages not A4 (a cover made in python-docx's default Letter)."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    return [
        f"page {number} is not A4 ({float(w):.0f} × {float(h):.0f} pt)"
        for number, w, h in sizes
        if abs(float(w) - 595.3) > 2 or abs(float(h) - 841.9) > 2
    ]


def accessibility(pdf, jst):
    """What the PDF lacks to be accessible: tags, PDF/A, a title naming the JST."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    found = []
    if not re.search(r"^Tagged:\s+yes", info, re.M):
        found.append("not a tagged PDF")
    title = re.search(r"^Title:\s+(.*)$", info, re.M)
    if jst and (title is None or jst not in title.group(1)):
        found.append("the PDF title does not name the JST")
    with open(pdf, "rb") as file:
        if b"pdfaid:part" not in file.read():
            found.append("not PDF/A")
    return found


def check(documents_list, outdir, png=True):
    """{file: {"pages": n, "problems": [...]}} of the documents printed into outdir."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, _kind, data, _expect in documents_list:
        path = outdir / f"{stem}.docx"
        path.write_bytes(data)
        paths.append(path)
    pdfs = to_pdf(paths, outdir)
    report = {}
    for pdf, (_stem, kind, _data, expect) in zip(pdfs, documents_list, strict=True):
        texts = pages(pdf)
        found = problems(kind, texts, expect, pages(pdf, layout=False))
        report[pdf.name] = _printed(pdf, texts, found, expect, png)
    return report


STRESS_SCHOOLS = [
    (
        "Zespół Szkół Ogólnokształcących i Technicznych im. Tadeusza Kościuszki "
        "w Przykładowie Wielkopolskim",
        "ul. Generała Władysława Andersa 123/125, 00-950 Przykładowo",
    ),
    (
        "Szkoła Podstawowa nr 12 z Oddziałami Integracyjnymi im. Marii Skłodowskiej-Curie",
        "ul. Stanisława Wyspiańskiego 7, 00-951 Przykładowo",
    ),
    (
        "Specjalny Ośrodek Szkolno-Wychowawczy dla Dzieci Niewidomych i Słabowidzących "
        "im. Jana Pawła II",
        "ul. Kardynała Stefana Wyszyńskiego 44, 00-952 Przykładowo",
    ),
    (
        "Liceum Ogólnokształcące z Oddziałami Dwujęzycznymi im. Mikołaja Kopernika",
        "al. Najświętszej Marii Panny 15, 00-953 Przykładowo",
    ),
    (
        "Branżowa Szkoła I Stopnia nr 3 w Centrum Kształcenia Zawodowego i Ustawicznego",
        "ul. Konstytucji Trzeciego Maja 210, 00-954 Przykładowo",
    ),
    (
        "Przedszkole Samorządowe nr 5 z Oddziałami Integracyjnymi „Słoneczna Kraina”",
        "ul. Przemysłowa 2a, 00-955 Przykładowo",
    ),
]


def add_stress_plan(jst, member):
    """Six schools with long real-looking names and eight actions with long texts."""
    from services import plans  # noqa: PLC0415

    plan = plans.get_plan(jst)
    schools = []
    for number, (name, address) in enumerate(STRESS_SCHOOLS, start=1):
        row = plans.save_row(
            plan,
            "szkoly",
            plans.new_uid(),
            {
                "name": name,
                "rspo": str(100000 + number),
                "kind": "liceum",
                "address": address,
                "headteacher": "Katarzyna Wiśniewska-Dąbrowska",
            },
            None,
            member,
        )
        schools.append(row.id)
    for number in range(1, 9):
        plans.save_row(
            plan,
            "dzialania",
            plans.new_uid(),
            {
                "title": f"Sieć współpracy i samokształcenia nauczycieli przedmiotów "
                f"przyrodniczych, etap {number}",
                "responsible": "Wydział Edukacji, Kultury i Sportu Starostwa Powiatowego",
                "start_month": "2017-09",
                "end_month": "2018-06",
                "funding": "budżet powiatu, środki Europejskiego Funduszu Społecznego",
                "expected_result": "Nauczyciele stosują metody eksperymentu i pracy "
                "projektowej; uczniowie prowadzą doświadczenia samodzielnie. " * 3,
                "indicator": "odsetek nauczycieli stosujących metodę eksperymentu",
                "target": "75 % nauczycieli przedmiotów przyrodniczych",
                "verification": "ankieta, arkusze obserwacji zajęć, sprawozdania dyrektorów",
            },
            None,
            member,
            {"schools": schools, "partners": []},
        )


def prepare_demo(app):
    """Seed the demo, give one JST the stress plan and accept one complete plan (so a plan
    prints its signatures)."""
    from models import Jst, User  # noqa: PLC0415
    from services import demo, plans

    with app.app_context():
        demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
        # the first demo plan still a draft gets many actions and long real school names
        stress = next(
            jst
            for jst in Jst.select().order_by(Jst.name_sort)
            if jst.name != ACCEPTED_DEMO_PLAN and plans.get_plan(jst).status in plans.EDITABLE
        )
        add_stress_plan(stress, plans.current_team(stress)[0].user)
        coordinator = User.get(User.email == "koordynator@example.org")
        plan = plans.get_plan(Jst.get(Jst.name == ACCEPTED_DEMO_PLAN))
        if plan.status in plans.EDITABLE:
            member = plans.current_team(plan.jst)[0].user
            plans.transition(plan, "submit", member)
            plans.transition(plan, "accept", coordinator)
        return coordinator


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "instance" / "check-docs"))
    parser.add_argument("--no-png", action="store_true")
    args = parser.parse_args()
    from app import create_app  # noqa: PLC0415
    from models.base import db
    from models.migrations import migrate

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/docs.sqlite3",
                "SECRET_KEY": "check-docs",
                "PII_KEYS": "",
                "BASE_URL": "https://planjst.example.org",
            }
        )
        with app.app_context():
            db.connect(reuse_if_open=True)
            migrate()
            coordinator = prepare_demo(app)
            items = demo_documents(coordinator)
            joined, merged = demo_batches(coordinator)
            db.close()
    report = check(items + merged, Path(args.out), png=not args.no_png)
    report |= check_joined(joined, Path(args.out), png=not args.no_png)
    failed = {name: r["problems"] for name, r in report.items() if r["problems"]}
    print(json.dumps({"out": args.out, "documents": report, "failed": failed}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
