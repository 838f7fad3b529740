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
    from models import Jst  # noqa: PLC0415 (the app is created first)
    from models.programme import Module
    from models.surveys import Certificate
    from services import documents, plans, settings
    from services.text import slugify

    out = []
    for jst in Jst.select().where(Jst.status == "active").order_by(Jst.name_sort):
        slug = slugify(jst.name)
        context, _missing = documents.build_context("deklaracja", jst)
        names = [s["name"] for s in context["signatories"]]
        if context["countersignatory"]:
            names.append(context["countersignatory"]["name"])
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
        out.append(
            (
                f"plan-{slug}",
                "plan",
                documents.render("plan", context),
                {
                    "jst": jst.name,
                    "words": [jst.name, *team, *titles],
                    "signatures": ("Zatwierdzenie planu", names) if context["accepted"] else None,
                },
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
                "words": [member.full_name],
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


def _printed_name(person):
    """The name a declaration prints ("" when it prints lines to write it on)."""
    if "……" in person["first_name"]:
        return ""
    return f"{person['first_name']} {person['last_name']}"


def to_pdf(paths, outdir):
    """Convert the .docx files with one soffice call (a profile of its own: another soffice
    running on the machine does not get in the way), tagged PDF/A-2 as the application makes
    them."""
    from services.pdf import CONVERT_TO  # noqa: PLC0415 (ROOT is on sys.path only now)

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


def pages(pdf):
    """The PDF's text, page by page (pdftotext: pages end in a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _flat(text):
    """Lines joined by single spaces: a phrase wrapped at a space still reads whole, a word
    broken mid-syllable ("Działa nie") does not."""
    return re.sub(r"\s+", " ", text)


def problems(kind, page_texts, expectations):
    """What is wrong with one printed document, in words ([] when nothing)."""
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
    for word in filter(None, expectations["words"]):
        if _flat(word) not in whole:
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
        report[pdf.name] = {"pages": len(texts), "problems": problems(kind, texts, expect)}
        if png:
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", str(pdf), str(outdir / pdf.stem)], check=True
            )
    return report


def prepare_demo(app):
    """Seed the demo and accept one complete plan (so a plan prints its signatures)."""
    from models import Jst, User  # noqa: PLC0415
    from services import demo, plans

    with app.app_context():
        demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
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
            db.close()
    report = check(items, Path(args.out), png=not args.no_png)
    failed = {name: r["problems"] for name, r in report.items() if r["problems"]}
    print(json.dumps({"out": args.out, "documents": report, "failed": failed}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
