"""Word documents: contexts of plain values, rendering in a Jinja sandbox, template versions,
signed copies, batches (a streamed ZIP with an index, one merged .docx)."""

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import OrderedDict
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import segno
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.shared import Mm
from docxcompose.composer import Composer
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError
from peewee import JOIN

from models import Jst, TeamMembership, User, write_tx
from models.documents import DocumentTemplate, SignedCopy
from models.participants import ParticipantData
from models.plans import PlanEvent, PlanVersion
from models.programme import ModuleSession

from . import (
    audit,
    crypto,
    grammar,
    jst_rules,
    participants,
    plans,
    settings,
    template_sandbox,
    uploads,
)
from .formatting import date_pl, date_range_pl, month_pl
from .text import clean, slugify

TEMPLATES = Path(__file__).resolve().parent.parent / "doc_templates"
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


# ---------- contexts ----------


def _common(draft):
    values = settings.get_all()
    retention = values["retention_until"]
    return {
        "programme": values["programme_name"],
        "footer": values["document_footer"],
        "clause": values["data_protection_clause"],
        "ore": {key: values[name] for name, key in {**ORE_SETTINGS, **ORE_EXTRA}.items()},
        "project": {
            "title": values["project_title"] or LINE,
            "number": values["project_number"] or LINE,
            "measure": values["project_measure"],
        },
        "rodo": {
            "authority": values["managing_authority"],
            "authority_dpo": values["managing_authority_dpo"] or LINE,
            "legal_acts": values["legal_acts"],
            "retention": date_pl(date.fromisoformat(retention), document=True)
            if retention
            else LINE,
        },
        "term_end": date_pl(date.fromisoformat(values["programme_end"]), document=True)
        if values["programme_end"]
        else LINE,
        "date": date_pl(date.today(), document=True),
        "draft": draft,
        "mark": DRAFT_MARK if draft else "",
        "logo": settings.logo(),
    }


def _jst_names(values, jst):
    """The JST's values (a dict, maybe frozen in a plan version) with its name in the
    genitive and the locative: those stored on the JST while its name is the same, else the
    suggestion; `in_name`: "w Powiecie Testowym"."""
    genitive, locative = grammar.suggest_cases(values["name"])
    if jst is not None and jst.name == values["name"]:
        genitive = jst.name_genitive or genitive
        locative = jst.name_locative or locative
    address = " ".join(p for p in (values.get("postal_code", ""), values.get("city", "")) if p)
    return values | {
        "name_genitive": genitive,
        "name_locative": locative,
        "in_name": grammar.locative_phrase(locative),
        "address": ", ".join(p for p in (values.get("street", ""), address) if p) or LINE,
        "head": " ".join(p for p in (values.get("head_title", ""), values.get("head_name", "")))
        or LINE,
        "teryt": values.get("teryt") or LINE,
    }


def _lined(values, keep=()):
    """Empty values replaced by a line to write on (except those in `keep`)."""
    return {k: v if v or k in keep else LINE for k, v in values.items()}


def _missing_ore_settings():
    values = settings.get_all()
    return [
        f"{settings.FIELDS[name][0]} (ustawienia programu)"
        for name in ORE_SETTINGS
        if not values[name].strip()
    ]


def declaration_context(user, actor=None):
    """(context, missing) for a participant's declaration; reading it is audited — unless no
    actor is given: only to compare with a signed copy, nothing of it shown."""
    if actor is None:
        data = participants.compared_declaration_data(user) or {}
    else:
        data = participants.declaration_data(user, actor) or {}
    missing = participants.missing_fields(user)
    return declaration_of(data, missing, _common(bool(missing))), missing


def declaration_of(data, missing, common):
    """A declaration's context of the participant's printable data (declaration_data), what is
    missing and _common(bool(missing)) — a batch loads them in bulk (batches.load_items)."""
    person = data or _EMPTY_DECLARATION
    sex = {"kobieta": "K", "mężczyzna": "M"}.get(person["sex_label"], "")
    sex = sex or grammar.sex_from_pesel(person["pesel"])
    return {
        **common,
        "p": _lined(_plain(person), keep=("flat_no",)),
        "g": grammar.person_words(sex),
    }


_EMPTY_DECLARATION = dict.fromkeys(
    (
        "country participant_kind institution first_name last_name pesel sex_label birth_date "
        "age education_label voivodeship powiat gmina town street house_no flat_no postal_code "
        "area_label phone email joined_at left_at labour_status labour_kind occupation employer "
        "leaving_status minority_label disability_label disadvantage_label clause_accepted_at"
    ).split(),
    "",
)


def _signatories(jst):
    """(signatories, countersignatory or None) of the JST's values (a dict: a frozen plan
    version prints those it was submitted with)."""
    people = [
        {"name": jst.get(f"{n}_name", ""), "function": jst.get(f"{n}_function", "")}
        for n in ("signatory1", "signatory2")
    ]
    countersignatory = {
        "name": jst.get("countersignatory_name", ""),
        "function": jst.get("countersignatory_function", ""),
    }
    return [p for p in people if p["name"]], countersignatory if countersignatory["name"] else None


def agreement_context(jst):
    """(context, missing) for the JST–ORE cooperation agreement."""
    plan = plans.get_plan(jst)
    content = plans.plan_content(plan)
    missing = [label for _field, label in jst_rules.missing_for_documents(jst)]
    if not jst.agreement_date:
        missing.append("data zawarcia deklaracji (dane JST)")
    if len(content["team"]) < 2:
        missing.append("zespół JST (co najmniej 2 osoby)")
    if not content["schools"]:
        missing.append("szkoły objęte wspomaganiem (krok „Szkoły” planu)")
    missing += _missing_ore_settings()
    signatories, countersignatory = _signatories(content["jst"])
    words = grammar.jst_words(jst.kind, jst.name)
    context = {
        **_common(bool(missing)),
        "jst": _jst_names(content["jst"], jst),
        "represented": words["reprezentowana"],
        "called": words["zwana"],
        "agreement_date": jst.agreement_date,
        "signatories": signatories,
        "countersignatory": countersignatory,
        "team": content["team"],
        "schools": content["schools"],
    }
    return _plain(context), missing


def plan_context(jst, version=None):
    """(context, missing) for the plan: the current content, or a frozen version. A plan past
    its draft prints as its last version: that number, and the date it was submitted or
    accepted (with who accepted it)."""
    plan = plans.get_plan(jst)
    last = (
        PlanVersion.select()
        .where(PlanVersion.plan == plan)
        .order_by(PlanVersion.number.desc())
        .first()
    )
    if version is None:
        content = plans.plan_content(plan)
        frozen = None if plan.status in plans.EDITABLE else last
        status_label = plan.status_label
    else:
        frozen = PlanVersion.get_or_none(
            (PlanVersion.plan == plan) & (PlanVersion.number == version)
        )
        if frozen is None:
            return None, []
        content = json.loads(frozen.content)
        status_label = content["status_label"]
    accepted = plan.status == "accepted" and frozen is not None and frozen.id == last.id
    decision = _acceptance(plan) if accepted else None
    editable = version is None and plan.status in plans.EDITABLE
    if frozen is None:
        number, printed = "", date.today()
        version_label = (
            f"Wersja robocza (zmiany po wersji {last.number})"
            if last is not None
            else "Wersja robocza (plan jeszcze nie przekazany do opiniowania)"
        )
    else:
        number = frozen.number
        printed = decision.at if decision else frozen.submitted_at
        version_label = f"Wersja {number}"
    diagnosis = [
        (label, content["texts"].get(field, "")) for field, label in plans.TEXT_FIELDS["diagnoza"]
    ]
    signatories, countersignatory = _signatories(content["jst"])
    status_label = "Zatwierdzony" if accepted else status_label
    context = {
        **_common(editable),
        **{
            key: content[key]
            for key in (
                "jst",
                "team",
                "texts",
                "goals",
                "partners",
                "schools",
                "measurements",
                "risks",
            )
        },
        "jst": _jst_names(content["jst"], jst),
        "actions": [a | {"period": _period(a)} for a in content["actions"]],
        "signatories": signatories,
        "countersignatory": countersignatory,
        "date": printed,
        "diagnosis": diagnosis,
        "version": number,
        "version_label": version_label,
        "status_label": status_label,
        "mark": _plan_mark(editable, accepted, status_label),
        "accepted": accepted,
        "accepted_by": ACCEPTED_BY.get(decision.actor.role, "")
        if decision and decision.actor
        else "",
    }
    if frozen is not None:  # a version is frozen only when nothing blocked its submission
        return _plain(context), []
    return _plain(context), [m for _s, _a, m in plans.blocking(plans.missing_items(plan))]


def _plan_mark(editable, accepted, status_label):
    """What the header of every page says: a draft, a version not accepted (not to be signed),
    or nothing for the accepted version."""
    if editable:
        return DRAFT_MARK
    if accepted:
        return ""
    return f"WERSJA NIEZATWIERDZONA ({status_label.lower()}) — nie do podpisu"


def _period(action):
    """An action's months as documents write them: “wrzesień 2017 – czerwiec 2018”."""
    months = [month_pl(action.get(key, "")) for key in ("start_month", "end_month")]
    return " – ".join(month for month in months if month)


def _acceptance(plan):
    """The plan's latest acceptance (PlanEvent, its actor joined; None when not recorded)."""
    return (
        PlanEvent.select(PlanEvent, User)
        .join(User, JOIN.LEFT_OUTER, on=(PlanEvent.actor == User.id))
        .where((PlanEvent.plan == plan) & (PlanEvent.to_status == "accepted"))
        .order_by(PlanEvent.at.desc(), PlanEvent.id.desc())
        .first()
    )


def attendance_context(module, group):
    from . import programme  # noqa: PLC0415 (the programme area builds on documents)

    values = programme.attendance_list_context(module, group)
    days = [module.start_date + timedelta(days=i) for i in range(len(values["days"]))]
    values["days"] = [date_pl(day, document=True) for day in days]
    values["module"] = values["module"] | {
        "dates": date_range_pl(module.start_date, module.end_date)
    }
    return _plain({**_common(False), **values}), []


def certificate_context(certificate, verify_url):
    """The certificate's values; verify_url: its public verification page."""
    from . import programme  # noqa: PLC0415 (the programme area builds on documents)

    values = settings.get_all()
    membership = (
        TeamMembership.select(TeamMembership, Jst)
        .join(Jst)
        .where(TeamMembership.user == certificate.user_id)
        .order_by(TeamMembership.id.desc())
        .first()
    )
    start, end = (date.fromisoformat(values[k]) for k in ("programme_start", "programme_end"))
    modules = programme.modules()
    minutes = _session_minutes([m.id for m in modules])
    record = ParticipantData.get_or_none(ParticipantData.user == certificate.user_id)
    context = {
        **_common(False),
        "programme": certificate.programme,
        "c": {
            "number": certificate.number,
            "name": certificate.full_name,
            "jst": membership.jst.name if membership else "",
            "jst_genitive": (
                membership.jst.name_genitive or grammar.suggest_cases(membership.jst.name)[0]
            )
            if membership
            else LINE,
            "issued_on": certificate.issued_on,
            "period": f"{date_pl(start, document=True)} – {date_pl(end, document=True)}",
            "modules": [
                {
                    "number": m.number,
                    "dates": date_range_pl(m.start_date, m.end_date),
                    "hours": grammar.hours_pl(minutes.get(m.id, 0) / 60),
                }
                for m in modules
            ],
            "hours": grammar.hours_pl(sum(minutes.values()) / 60),
            "legal_basis": values["certificate_legal_basis"],
            "verify_url": verify_url,
            "qr": verify_url,  # render() prints it as a QR code
            "code": certificate.code,
        },
        "g": grammar.person_words(record.sex if record else ""),
    }
    return _plain(context)


def _session_minutes(module_ids):
    """{module id: minutes of its sessions} (one query)."""
    minutes = {}
    for session in ModuleSession.select().where(ModuleSession.module.in_(module_ids)):
        try:
            start, end = (datetime.strptime(t, "%H:%M") for t in (session.start, session.end))
        except ValueError:
            continue
        gap = (end - start).total_seconds() // 60
        minutes[session.module_id] = minutes.get(session.module_id, 0) + max(gap, 0)
    return minutes


def build_context(kind, obj, actor=None, version=None):
    if kind == "oswiadczenie":
        return declaration_context(obj, actor)
    if kind == "deklaracja":
        return agreement_context(obj)
    if kind == "plan":
        return plan_context(obj, version)
    raise ValueError(f"no context for {kind}")


def _plain(value):
    """Plain values for a template: text cleaned of characters XML forbids and of tabs, dates
    in Polish."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return date_pl(value, document=True)  # stored in UTC, printed in Warsaw's time
    if isinstance(value, date):
        return date_pl(value, document=True)
    if isinstance(value, str):
        # a tab would jump to the next tab stop, out of a table's cell: a space instead
        return clean(value).replace("\t", " ")
    if value is None:
        return ""
    return value


# what a document prints besides its data: the date of printing, a plan version's decision
# (the agreement's participle follows from the JST's kind, printed anyway)
_NOT_DATA = {
    "date",
    "status_label",
    "accepted",
    "accepted_by",
    "represented",
    "called",
    "mark",
    "logo",
}


def fingerprint(context):
    """What the document's data printed, as a hash (a frozen plan version's later acceptance
    does not make its signed copy outdated)."""
    stable = {k: v for k, v in context.items() if k not in _NOT_DATA}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


# ---------- rendering ----------


class _Sandbox(template_sandbox.LimitedSandbox):
    """Compiles each template part once: rendering a batch reuses the compiled parts (keyed by
    their source, so a new template version compiles anew). Limits: see template_sandbox."""

    def __init__(self):
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled = OrderedDict()

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        template = self._compiled.pop(source, None) or super().from_string(source)
        self._compiled[source] = template
        while len(self._compiled) > 64:
            self._compiled.popitem(last=False)
        return template


_SANDBOX = _Sandbox()


def sandbox():
    """Uploaded templates are untrusted: no Python internals, every name and attribute must
    exist, every value escaped for XML."""
    return _SANDBOX


def template_bytes(kind):
    row = (
        DocumentTemplate.select()
        .where(DocumentTemplate.kind == kind)
        .order_by(DocumentTemplate.id.desc())
        .first()
    )
    return bytes(row.data) if row else (TEMPLATES / KINDS[kind].filename).read_bytes()


def render(kind, context, template=None):
    """The .docx bytes (a fresh DocxTemplate per render: it is not thread-safe)."""
    doc = DocxTemplate(io.BytesIO(template if template is not None else template_bytes(kind)))
    doc.render(_with_images(doc, context), jinja_env=sandbox(), autoescape=True)
    _set_properties(doc.docx.core_properties, kind, context)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_images(doc, context):
    """The context with its images for this rendering: the logo strip (bytes) and the
    certificate's verification link (a QR code)."""
    context = dict(context)
    if context.get("logo"):
        context["logo"] = InlineImage(doc, io.BytesIO(context["logo"]), height=Mm(14))
    certificate = context.get("c")
    if isinstance(certificate, dict) and certificate.get("qr"):
        png = io.BytesIO()
        segno.make(certificate["qr"], error="m").save(png, kind="png", scale=8, border=2)
        png.seek(0)
        context["c"] = certificate | {"qr": InlineImage(doc, png, width=Mm(28))}
    return context


def _set_properties(properties, kind, context):
    """Title, subject, author, language and the dates of this rendering (python-docx's
    defaults say "python-docx", 2013)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    ore = context.get("ore") if isinstance(context.get("ore"), dict) else {}
    properties.title = KINDS[kind].label
    properties.subject = str(context.get("programme", ""))[:255]
    properties.author = properties.last_modified_by = ore.get("name") or AUTHOR
    properties.language = "pl-PL"
    properties.keywords = ""
    properties.comments = ""
    properties.created = properties.modified = now
    properties.last_printed = now
    properties.revision = 1


def filename(kind, name, version=None):
    """Readable ASCII: deklaracja-gmina-przykladowo.docx."""
    suffix = f"-wersja-{version}" if version else ""
    return f"{kind}-{slugify(name)}{suffix}.docx"


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def display_name(kind, name, version=None):
    """The Polish file name (Content-Disposition filename*): "Plan – Gmina Własna – wersja
    2.docx"."""
    suffix = f" – wersja {version}" if version else ""
    text = f"{KINDS[kind].short} – {name}{suffix}"
    return _UNSAFE_IN_NAMES.sub(" ", text).strip()[:150] + ".docx"


# ---------- templates ----------


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
    jst = {
        name: ""
        for name in (
            "kind",
            "teryt",
            "nip",
            "regon",
            "street",
            "postal_code",
            "city",
            "head_title",
            "head_name",
            "signatory1_name",
            "signatory1_function",
            "signatory2_name",
            "signatory2_function",
            "countersignatory_name",
            "countersignatory_function",
            "contact_name",
            "contact_email",
            "contact_phone",
            "group",
        )
    }
    jst.update(
        name="Gmina Przykładowo",
        kind_label="gmina wiejska",
        city="Przykładowo",
        teryt="1402012",
        head_title="wójt",
        head_name="Jan Wzorcowy",
    )
    jst = _jst_names(jst, None)
    common = _common(True)
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
            _EMPTY_DECLARATION,
            first_name="Anna",
            last_name="Przykładowa",
            pesel="00000000000",
            institution="Gmina Przykładowo",
        )
        return {**common, "p": person, "g": grammar.person_words("K")}
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
            raise TemplateRefused(message) from exc
        except Exception as exc:  # the filled template is not a valid document
            raise TemplateRefused(
                f"Szablon nie daje się wypełnić {which} — wypełniony nie jest poprawnym "
                "dokumentem Word. Sprawdź znaczniki {%p %}, {%tr %} i {%tc %}: każdy musi "
                "stać sam w swoim akapicie, wierszu lub komórce tabeli."
            ) from exc


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
            return "odwołanie do elementu listy, która może być pusta — użyj pętli {% for %}.", ""
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


# ---------- signed copies ----------


def signed_copies(jst=None, participant=None):
    query = SignedCopy.select(
        SignedCopy.id,
        SignedCopy.kind,
        SignedCopy.jst,
        SignedCopy.participant,
        SignedCopy.plan_version,
        SignedCopy.received_on,
        SignedCopy.recorded_at,
        SignedCopy.recorded_by,
        SignedCopy.fingerprint,
        SignedCopy.filename,
        User.id,
        User.full_name,
    ).join(User, JOIN.LEFT_OUTER, on=(SignedCopy.recorded_by == User.id))
    if jst is not None:
        query = query.where(SignedCopy.jst == jst)
    if participant is not None:
        query = query.where(SignedCopy.participant == participant)
    return list(query.order_by(SignedCopy.id.desc()))


def record_signed(kind, obj, received_on, actor, version=None):
    """Store the exact file that was signed (rendered now) and what it printed; refused
    (DocumentIncomplete) while the document prints as a draft: it cannot count as signed."""
    context, missing = build_context(kind, obj, actor, version)
    if missing or context["draft"]:
        raise DocumentIncomplete(
            "dokument jest niekompletny i drukuje się jako „WERSJA ROBOCZA” — najpierw uzupełnij "
            "dane" + (f" (brakuje: {', '.join(missing)})." if missing else ".")
        )
    data = render(kind, context)
    name = obj.full_name if kind == "oswiadczenie" else obj.name
    with write_tx():
        same = SignedCopy.get_or_none(
            (SignedCopy.kind == kind)
            & (SignedCopy.jst == (obj.id if isinstance(obj, Jst) else None))
            & (SignedCopy.participant == (obj.id if isinstance(obj, User) else None))
            & (SignedCopy.plan_version == version)
            & (SignedCopy.received_on == received_on)
            & (SignedCopy.fingerprint == fingerprint(context))
        )
        if same is not None:  # the same copy recorded again (a double click): kept once
            return same
        copy = SignedCopy.create(
            kind=kind,
            jst=obj if isinstance(obj, Jst) else None,
            participant=obj if isinstance(obj, User) else None,
            plan_version=version,
            received_on=received_on,
            recorded_by=actor,
            fingerprint=fingerprint(context),
            filename=filename(kind, name, version),
            data=crypto.encrypt_bytes(data),  # a declaration prints PESEL and address
        )
        audit.record("signed_copy", actor=actor, details=f"{kind} #{copy.id}")
    return copy


def signed_file(copy):
    """The bytes of a stored signed copy."""
    return crypto.decrypt_bytes(copy.data)


# ---------- batches ----------


def batch(kind, group=None, actor=None):
    """[(file name, context, missing)] of every document of a kind (active JSTs, current team
    members), loaded before any streaming starts. Declarations are read without a row per
    person: one audit row names the batch (a write per member during a long read was what
    locked the database, issue 15)."""
    jsts = Jst.select().where(Jst.status == "active").order_by(Jst.name_sort)
    if group:
        jsts = jsts.where(Jst.program_group == group)
    items = []
    for jst in jsts:
        if kind == "oswiadczenie":
            for member in plans.current_team(jst):
                context, missing = declaration_context(member.user)
                items.append(
                    (filename(kind, f"{jst.name} {member.user.full_name}"), context, missing)
                )
        else:
            context, missing = build_context(kind, jst)
            items.append((filename(kind, jst.name), context, missing))
    if kind == "oswiadczenie" and actor is not None:
        named = f"{kind}, grupa {group}" if group else kind
        audit.record("documents_batch", actor=actor, details=f"{named}: {len(items)}")
    return items


class _Sink:
    """A write-only file for zipfile whose bytes are handed out as they are produced."""

    def __init__(self):
        self.chunks = []
        self.position = 0

    def write(self, data):
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def take(self):
        data, self.chunks = b"".join(self.chunks), []
        return data


def zip_stream(kind, items, template):
    """Yield the ZIP as it is built: one document at a time, then the index (spis.csv). Needs no
    database: contexts and the template are loaded before streaming starts."""
    sink = _Sink()
    index = io.StringIO()
    writer = csv.writer(index, delimiter=";", lineterminator="\r\n")
    writer.writerow(["plik", "dokument", "kompletny", "braki"])
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, context, missing in items:
            # a .docx is compressed already: store it
            archive.writestr(name, render(kind, context, template), zipfile.ZIP_STORED)
            writer.writerow(
                [name, KINDS[kind].label, "nie" if missing else "tak", ", ".join(missing)]
            )
            yield sink.take()
        archive.writestr("spis.csv", "\ufeff" + index.getvalue())
    yield sink.take()


def merged(kind, items, template=None):
    """One .docx with every document of the batch, each in its own section: from a new page,
    pages numbered from 1, its own header and footer (so the draft mark only on drafts)."""
    template = template if template is not None else template_bytes(kind)
    composer = None
    for _name, context, _missing in items:
        document = Document(io.BytesIO(render(kind, context, template)))
        own = document.element.body.sectPr
        _restart_page_numbers(own)
        if composer is None:
            composer = Composer(document)
            # the merged file's header and footer parts by content (drafts share one), and
            # by reference (default, first page …) those of the first document
            parts = {}
            first = {}
            for reference in _story_references(own):
                parts[_story_key(document, reference)] = reference.rId
                first[reference.tag, reference.type_] = document.part.related_parts[reference.rId]
            continue
        body = composer.doc.element.body
        body.add_section_break()  # the previous document's section ends where it ends
        composer.append(document)
        own = deepcopy(own)
        for reference in _story_references(own):
            key = _story_key(document, reference)
            if key not in parts:
                source = document.part.related_parts[reference.rId]
                twin = first.get((reference.tag, reference.type_))
                parts[key] = _copy_story(composer.doc.part, source, twin)
            reference.rId = parts[key]
        body.replace(body.sectPr, own)
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue()


def _restart_page_numbers(sect_pr):
    numbering = sect_pr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        sect_pr.insert_element_before(numbering, *_AFTER_PG_NUM_TYPE)
    numbering.set(qn("w:start"), "1")


# what follows w:pgNumType in w:sectPr (the schema fixes the order)
_AFTER_PG_NUM_TYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)


def _story_references(sect_pr):
    return sect_pr.xpath("w:headerReference|w:footerReference")


def _story_key(document, reference):
    return reference.tag, document.part.related_parts[reference.rId].blob


def _copy_story(main, source, twin):
    """Relate to `main` a copy of a header or footer part of another rendering of the same
    template; its relationships (a logo …) are those of its `twin` in the first document."""
    header = isinstance(source, HeaderPart)
    cls, name, reltype = (
        (HeaderPart, "/word/header%d.xml", RT.HEADER)
        if header
        else (FooterPart, "/word/footer%d.xml", RT.FOOTER)
    )
    package = main.package
    part = cls(package.next_partname(name), source.content_type, deepcopy(source.element), package)
    for rel in twin.rels.values() if twin is not None else ():
        target = rel.target_ref if rel.is_external else rel.target_part
        part.rels.add_relationship(rel.reltype, target, rel.rId, rel.is_external)
    return main.relate_to(part, reltype)
