"""What the document tests share: reading a .docx's text, ORE's data, a school, a participant's
data, a text that must print literally."""

import io
from datetime import date

from docx import Document

from lib.identifiers import make_nip, make_pesel, make_regon
from services import participants, plans, settings

NASTY = "A & B < C > D \" ' {{ 7*7 }} {% if x %} 😀 Łódź\nnowa linia\x01"


def _text(data):
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    parts += [p.text for s in doc.sections for p in s.header.paragraphs]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def _ore_settings():
    settings.save(
        {
            "ore_nip": make_nip(901),
            "ore_regon": make_regon(901),
            "ore_contact": "Jan Kontaktowy, ore@example.org, +48 22 000 00 00",
        }
    )


def _add_school(jst, user, name="Szkoła Podstawowa w Testowie"):
    plans.save_row(
        plans.get_plan(jst),
        "szkoly",
        plans.new_uid(),
        {"name": name, "rspo": "1234", "kind": "szkola_podstawowa"},
        None,
        user,
    )


def _sections(data):
    """[(header text, body text)] of each section of a .docx."""
    doc = Document(io.BytesIO(data))
    return [
        (
            "\n".join(p.text for p in section.header.paragraphs),
            "\n".join(
                block.text
                if hasattr(block, "text")
                else "\n".join(c.text for row in block.rows for c in row.cells)
                for block in section.iter_inner_content()
            ),
        )
        for section in doc.sections
    ]


def _participant_data(user, **overrides):
    birth = date(1975, 6, 1)
    data = {
        "country": "Polska",
        "first_name": "Ewa",
        "last_name": "Dokumentowa",
        "pesel": make_pesel(birth, False, 77),
        "sex": "K",
        "birth_date": birth,
        "education": "isced5_8",
        "voivodeship": "mazowieckie",
        "powiat": "testowy",
        "gmina": "Testowo",
        "town": "Testowo",
        "street": "ul. Zmyślona",
        "house_no": "1",
        "flat_no": "",
        "postal_code": "00-950",
        "area": "wiejski",
        "phone": "+48 600 1",
        "email": "ewa@example.org",
        "occupation": "urzędnik",
        "joined_at": date(2017, 4, 5),
        "minority": "nie",
        "disability": "nie",
        "disadvantage": "nie",
        "clause": True,
    }
    data.update(overrides)
    participants.save(user, data, user)
