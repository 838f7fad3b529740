"""The kinds of document, what they print where data is missing, and the errors."""

from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    short: str  # in the Polish file name: "Deklaracja współpracy – Gmina Własna.docx"
    filename: str  # default template in doc_templates/
    per: str  # "participant" | "jst" | "group" | "certificate"
    personal: bool = False


KINDS = {
    "oswiadczenie": Kind(
        "Oświadczenie uczestnika projektu",
        "Oświadczenie uczestnika",
        "oswiadczenie.docx",
        "participant",
        personal=True,
    ),
    "deklaracja": Kind(
        "Deklaracja współpracy między JST a ORE",
        "Deklaracja współpracy",
        "deklaracja.docx",
        "jst",
    ),
    "plan": Kind("Plan podnoszenia jakości usług oświatowych", "Plan", "plan.docx", "jst"),
    "lista_obecnosci": Kind(
        "Lista obecności (moduł, grupa robocza)",
        "Lista obecności",
        "lista_obecnosci.docx",
        "group",
    ),
    "zaswiadczenie": Kind(
        "Zaświadczenie o ukończeniu szkolenia",
        "Zaświadczenie",
        "zaswiadczenie.docx",
        "certificate",
    ),
}
# kinds printed for every JST or participant (the others have their own pages); only these
# come back signed
BATCH_KINDS = [kind for kind, spec in KINDS.items() if spec.per in ("participant", "jst")]
SIGNED_KINDS = BATCH_KINDS
# ORE's data in settings, printed in the agreement: empty, the agreement is incomplete
ORE_SETTINGS = {
    "ore_name": "name",
    "ore_address": "address",
    "ore_nip": "nip",
    "ore_regon": "regon",
    "ore_representative": "representative",
    "ore_representative_function": "function",
    "ore_contact": "contact",
}
# ORE's data printed where it is known, never required
ORE_EXTRA = {"ore_name_genitive": "name_genitive", "ore_place": "place", "ore_dpo_contact": "dpo"}
# what a document prints where a value is missing: a line to write it in by hand
LINE = "……………………………………"
DRAFT_MARK = "WERSJA ROBOCZA — dokument niekompletny lub niezatwierdzony"
AUTHOR = "Ośrodek Rozwoju Edukacji"
# who accepted a plan, as its title page says it: "zatwierdzony przez …"
ACCEPTED_BY = {
    "expert": "eksperta opiekuna",
    "coordinator": "koordynatora projektu",
    "admin": "administratora",
}


class DocumentIncomplete(Exception):
    """A signed copy of a document whose data is incomplete (printed as a draft); the message
    (Polish) lists what is missing."""


class TemplateRefused(Exception):
    """An uploaded template that cannot be used; the message (Polish) says why and quotes the
    broken fragment."""
