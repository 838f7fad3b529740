"""The templates a coordinator uploads: the sample contexts every upload must render, the
check that refuses a broken one with a Polish reason, and the stored versions."""

import io
import re

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from lib import grammar, template_sandbox, uploads
from models import write_tx
from models.documents import DocumentTemplate

from .. import audit, jsts, plans
from .contexts import EMPTY_DECLARATION, common_values, jst_names
from .kinds import KINDS, MAX_TEMPLATE_BYTES, TEMPLATES, TemplateRefused
from .rendering import render


def sample_context(kind):
    """A full context with fictitious values: uploads must render it, the sample shows it."""
    team = [{"name": "Anna Przykładowa", "function": "inspektor ds. oświaty"}]
    school = {
        "uid": "x",
        "name": "Szkoła Podstawowa nr 1",
        "kind": "szkola_podstawowa",
        "kind_label": "szkoła podstawowa",
        "rspo": "123456",
        "address": "ul. Szkolna 1",
        "headteacher": "Jan Dyrektorski",
    }
    jst = {name: "" for name in ("kind", "teryt", "nip", "regon", *jsts.PROFILE_FIELDS, "group")}
    jst.update(
        name="Gmina Przykładowo",
        kind_label="gmina wiejska",
        city="Przykładowo",
        teryt="1402012",
        head_title="wójt",
        head_name="Jan Wzorcowy",
    )
    jst = jst_names(jst, None)
    common = common_values(True)
    if kind == "zaswiadczenie":
        return {
            **common,
            "c": {
                "number": "ZAS/2017/0001",
                "name": "Anna Przykładowa",
                "jst": "Gmina Przykładowo",
                "issued_on": "17 listopada 2017 r.",
                "period": "5 kwietnia 2017 r. – 17 listopada 2017 r.",
                "jst_genitive": "Gminy Przykładowo",
                "modules": [{"number": 1, "dates": "5–7 kwietnia 2017 r.", "hours": "13 godzin"}],
                "hours": "13 godzin",
                "legal_basis": "Podstawa prawna",
                "verify_url": "https://planjst.example.org/zaswiadczenie/kod",
                "qr": "https://planjst.example.org/zaswiadczenie/kod",
                "code": "kod",
            },
            "g": grammar.person_words("K"),
        }
    if kind == "lista_obecnosci":
        return {
            **common,
            "module": {
                "number": 1,
                "dates": "5–7 kwietnia 2017 r.",
                "venue": "Centrum Szkoleniowe",
            },
            "group": 1,
            "days": ["5 kwietnia 2017 r.", "6 kwietnia 2017 r.", "7 kwietnia 2017 r."],
            "people": [{"name": "Anna Przykładowa", "jst": "Gmina Przykładowo"}],
        }
    if kind == "oswiadczenie":
        person = dict(
            EMPTY_DECLARATION,
            first_name="Anna",
            last_name="Przykładowa",
            pesel="00000000000",
            institution="Gmina Przykładowo",
        )
        return {
            **common,
            "p": person,
            "g": grammar.person_words("K"),
            "employer": {
                "office": "Urzędzie Gminy Przykładowo",
                "jej": "jej",
                "jst": "Gmina Przykładowo",
            },
        }
    if kind == "deklaracja":
        signatory = {"name": "Jan Wzorcowy", "function": "Wójt"}
        return {
            **common,
            "jst": jst,
            "represented": "reprezentowana",
            "called": "zwana",
            "agreement_date": "20 marca 2017 r.",
            "signatories": [signatory],
            "countersignatory": signatory,
            "team": team,
            "schools": [school],
        }
    action = {
        "uid": "a",
        "title": "Warsztaty",
        "goal": "1.1 Cel",
        "goal_uid": "g",
        "area": "",
        "area_label": "kompetencje cyfrowe",
        "schools": ["Szkoła Podstawowa nr 1"],
        "partners": ["Biblioteka"],
        "responsible": "Referat",
        "start_month": "2017-09",
        "end_month": "2018-06",
        "period": "wrzesień 2017 – czerwiec 2018",
        "cost": "1 000,00 zł",
        "cost_grosze": 100000,
        "funding": "budżet gminy",
        "expected_result": "Rezultat",
        "indicator": "liczba",
        "target": "10",
        "verification": "sprawozdania",
    }
    return {
        **common,
        "jst": jst,
        "team": team,
        "texts": {field: "Tekst" for field in plans.TEXT_LABELS},
        "diagnosis": [(label, "Tekst") for _f, label in plans.TEXT_FIELDS["diagnoza"]],
        "goals": [
            {
                "uid": "g",
                "number": "1",
                "title": "Cel",
                "operational": [{"uid": "o", "number": "1.1", "title": "Cel operacyjny"}],
            }
        ],
        "partners": [
            {
                "uid": "p",
                "institution": "Biblioteka",
                "person": "Ewa",
                "role": "partner",
                "contribution": "zajęcia",
                "contact": "biblioteka@example.org",
            }
        ],
        "schools": [school],
        "actions": [action],
        "measurements": [
            {
                "uid": "m",
                "action": "Warsztaty",
                "action_uid": "a",
                "indicator": "liczba",
                "who": "dyrektor",
                "timing": "co pół roku",
                "how": "ankieta",
            }
        ],
        "risks": [{"uid": "r", "risk": "Ryzyko", "mitigation": "Zapobieganie"}],
        "signatories": [{"name": "Jan Wzorcowy", "function": "Wójt"}],
        "countersignatory": {"name": "Ewa Skarbowa", "function": "Skarbnik Gminy"},
        "version": 1,
        "version_label": "Wersja 1",
        "status_label": "Zatwierdzony",
        "accepted": True,
        "accepted_by": "eksperta opiekuna",
    }


# parts of a context that are None (printed as "") when the data has none
_OPTIONAL = {"deklaracja": ("countersignatory",), "plan": ("countersignatory",)}


def empty_sample_context(kind):
    """The sample with every optional part empty: no lists' rows, empty texts, no
    countersignature, not a draft, not accepted — what a JST with little data prints."""
    context = _emptied(sample_context(kind))
    return context | dict.fromkeys(_OPTIONAL.get(kind, ()), "")


def _emptied(value):
    if isinstance(value, dict):
        return {key: _emptied(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return []
    if isinstance(value, str):
        return ""
    if isinstance(value, bool):
        return False
    return value


def check_template(kind, data):
    """Refuse anything but a valid .docx that renders in the sandbox both the full sample
    context and the sample with its optional parts empty."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(
            f"Plik jest za duży (najwyżej {MAX_TEMPLATE_BYTES // 1024 // 1024} MB)."
        )
    try:
        uploads.check_office_file(data, "docx")
        uploads.check_no_external_content(data)
    except uploads.UploadRefused as exc:
        raise TemplateRefused(str(exc)) from exc
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # a corrupt document inside a valid zip: python-docx/lxml errors
        raise TemplateRefused(
            "Nie udało się odczytać dokumentu Word — plik jest uszkodzony."
        ) from exc
    samples = (
        (sample_context(kind), "pełnymi danymi próbnymi", False),
        (
            empty_sample_context(kind),
            "danymi próbnymi bez części nieobowiązkowych (np. bez kontrasygnaty skarbnika, "
            "bez szkół i działań)",
            True,
        ),
    )
    try:
        refusal = template_sandbox.isolated(lambda: _refusal(kind, data, document, samples))
    except template_sandbox.IsolatedFailure as exc:
        raise TemplateRefused(f"Szablon nie daje się wypełnić: {exc}.") from exc
    if refusal:
        raise TemplateRefused(refusal)


def _refusal(kind, data, document, samples):
    """Why the template cannot be filled with one of the samples (None when it can); run in a
    process of its own (template_sandbox.isolated)."""
    for context, which, empty in samples:
        try:
            with template_sandbox.limits(template_sandbox.UPLOAD_SECONDS):
                render(kind, context, template=data)
        except TemplateError as exc:
            reason, word = _reason(exc, empty)
            fragment = _fragment(exc, document, word)
            message = f"Szablon nie daje się wypełnić {which}: {reason}"
            if fragment:
                message += f" Fragment: „{fragment[:200]}”."
            return message
        except MemoryError:
            raise  # said by template_sandbox.isolated
        except Exception:  # noqa: BLE001 (the filled template is not a valid document)
            return (
                f"Szablon nie daje się wypełnić {which} — wypełniony nie jest poprawnym "
                "dokumentem Word. Proszę sprawdzić znaczniki {%p %}, {%tr %} i {%tc %}: każdy musi "
                "stać sam w swoim akapicie, wierszu lub komórce tabeli."
            )
    return None


def _reason(exc, empty):
    """(a Polish reason, the name or attribute to look for in the template) of a Jinja error;
    empty: the error came with the optional parts empty."""
    text = str(exc)
    quoted = re.findall(r"'([^']*)'", text)
    if isinstance(exc, template_sandbox.TemplateLimitExceeded):
        return f"{text}.", ""
    if isinstance(exc, SecurityError):
        name = quoted[0] if quoted else ""
        return (
            f"niedozwolone odwołanie „{name}” — szablon nie ma dostępu do wnętrza Pythona.",
            name,
        )
    if isinstance(exc, UndefinedError):
        if text.endswith("is undefined") and quoted:
            return f"nieznana zmienna „{quoted[0]}”.", quoted[0]
        if "has no attribute" in text and len(quoted) >= 2:
            name = quoted[-1]
            if not empty or quoted[0] == "dict object":
                return f"nieznane pole „{name}”.", name
            return (
                f"pole „{name}” nie istnieje, gdy tej części danych brakuje — otocz ten "
                "fragment warunkiem {% if … %}.",
                name,
            )
        if "has no element" in text:
            return (
                (
                    "odwołanie do elementu listy, która może być pusta — potrzebna jest pętla "
                    "{% for %}."
                ),
                "",
            )
        return "nieznana zmienna lub pole.", ""
    if isinstance(exc, TemplateSyntaxError):
        if text.startswith("Encountered unknown tag") and quoted:
            return f"nieznany znacznik „{quoted[0]}”.", quoted[0]
        if "unexpected end of template" in text:
            return "niezamknięty znacznik (brakuje np. {% endif %} lub {% endfor %}).", ""
        return "błąd składni znacznika.", ""
    return "błąd w znacznikach szablonu.", ""


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _fragment(exc, document, word):
    """The template's text around the error: the tag that names `word`, or the lines Jinja
    points at (tags split across Word's runs are joined per paragraph)."""
    if word:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
        parts = [document.part] + [
            rel.target_part
            for rel in document.part.rels.values()
            if rel.reltype in (RT.HEADER, RT.FOOTER)
        ]
        for part in parts:
            for paragraph in part.element.iter(qn("w:p")):
                text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
                for tag in _TAG.findall(text):
                    if pattern.search(tag):
                        return tag
    lines = getattr(exc, "docx_context", None) or []
    return " ".join(line.strip() for line in lines if line.strip())


def save_template(kind, data, name, actor):
    with write_tx():
        row = DocumentTemplate.create(kind=kind, data=data, filename=name[:200], uploaded_by=actor)
        audit.record("template_uploaded", actor=actor, details=f"{kind} v{row.id}")
    return row


def template_histories():
    """{kind: [the uploaded versions, newest first]} of every kind, from one query (no file)."""
    history = {kind: [] for kind in KINDS}
    for row in DocumentTemplate.select(
        DocumentTemplate.id,
        DocumentTemplate.kind,
        DocumentTemplate.filename,
        DocumentTemplate.uploaded_at,
        DocumentTemplate.uploaded_by,
    ).order_by(DocumentTemplate.id.desc()):
        history.setdefault(row.kind, []).append(row)
    return history


def restore_template(kind, template_id, actor):
    """Put an earlier version back in use (as the newest row: the history stays); id 0 is the
    default file of doc_templates/."""
    if template_id == 0:
        data = (TEMPLATES / KINDS[kind].filename).read_bytes()
        return save_template(kind, data, f"{KINDS[kind].filename} (domyślny)", actor)
    old = DocumentTemplate.get_or_none(
        (DocumentTemplate.id == template_id) & (DocumentTemplate.kind == kind)
    )
    if old is None:
        return None
    return save_template(kind, bytes(old.data), old.filename, actor)
