"""Word documents: contexts of plain values, rendering in a Jinja sandbox, template versions,
signed copies, batches (a streamed ZIP with an index, one merged .docx)."""

import csv
import hashlib
import io
import json
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docxcompose.composer import Composer
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from models import Jst, TeamMembership, User, write_tx
from models.documents import DocumentTemplate, SignedCopy
from models.plans import Plan

from . import audit, jst_rules, participants, plans, settings, uploads
from .formatting import date_pl
from .text import clean, slugify

TEMPLATES = Path(__file__).resolve().parent.parent / "doc_templates"
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    filename: str  # default template in doc_templates/
    per: str  # "participant" | "jst"
    personal: bool = False


KINDS = {
    "oswiadczenie": Kind(
        "Oświadczenie uczestnika projektu", "oswiadczenie.docx", "participant", personal=True
    ),
    "deklaracja": Kind("Deklaracja współpracy między JST a ORE", "deklaracja.docx", "jst"),
    "plan": Kind("Plan podnoszenia jakości usług oświatowych", "plan.docx", "jst"),
    "lista_obecnosci": Kind(
        "Lista obecności (moduł, grupa robocza)", "lista_obecnosci.docx", "group"
    ),
    "zaswiadczenie": Kind(
        "Zaświadczenie o ukończeniu szkolenia", "zaswiadczenie.docx", "certificate"
    ),
}
# kinds printed for every JST or participant (the others have their own pages)
BATCH_KINDS = [kind for kind, spec in KINDS.items() if spec.per in ("participant", "jst")]


class TemplateRefused(Exception):
    """An uploaded template that cannot be used; the message (Polish) says why and quotes the
    broken fragment."""


# ---------- contexts ----------


def _common(draft):
    values = settings.get_all()
    return {
        "programme": values["programme_name"],
        "footer": values["document_footer"],
        "clause": values["data_protection_clause"],
        "ore": {
            "name": values["ore_name"],
            "address": values["ore_address"],
            "nip": values["ore_nip"],
            "regon": values["ore_regon"],
            "representative": values["ore_representative"],
            "function": values["ore_representative_function"],
            "contact": values["ore_contact"],
        },
        "date": date_pl(date.today(), document=True),
        "draft": draft,
    }


def declaration_context(user, actor):
    """(context, missing) for a participant's declaration; reading it is audited."""
    data = participants.declaration_data(user, actor) or {}
    missing = participants.missing_fields(user)
    return {**_common(bool(missing)), "p": _plain(data or _EMPTY_DECLARATION)}, missing


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
    people = [
        {"name": jst.signatory1_name, "function": jst.signatory1_function},
        {"name": jst.signatory2_name, "function": jst.signatory2_function},
    ]
    return [p for p in people if p["name"]]


def agreement_context(jst):
    """(context, missing) for the JST–ORE cooperation agreement."""
    plan = plans.get_plan(jst)
    content = plans.plan_content(plan)
    missing = [label for _field, label in jst_rules.missing_for_documents(jst)]
    if len(content["team"]) < 2:
        missing.append("zespół JST (co najmniej 2 osoby)")
    if not content["schools"]:
        missing.append("szkoły objęte wspomaganiem (krok „Szkoły” planu)")
    countersignatory = (
        {"name": jst.countersignatory_name, "function": jst.countersignatory_function}
        if jst.countersignatory_name
        else None
    )
    context = {
        **_common(bool(missing)),
        "jst": content["jst"],
        "signatories": _signatories(jst),
        "countersignatory": countersignatory,
        "team": content["team"],
        "schools": content["schools"],
    }
    return _plain(context), missing


def plan_context(jst, version=None):
    """(context, missing) for the plan: the current content, or a frozen version."""
    plan = plans.get_plan(jst)
    if version is None:
        content = plans.plan_content(plan)
        number = plans.next_version_number(plan)
        draft = plan.status in plans.EDITABLE
        status_label = plan.status_label
        accepted = plan.status == "accepted"
    else:
        content = plans.version_content(plan, version)
        if content is None:
            return None, []
        number, draft = version, False
        status_label = content["status_label"]
        accepted = plan.status == "accepted" and version == plans.next_version_number(plan) - 1
    diagnosis = [
        (label, content["texts"].get(field, "")) for field, label in plans.TEXT_FIELDS["diagnoza"]
    ]
    context = {
        **_common(draft),
        **{
            key: content[key]
            for key in (
                "jst",
                "team",
                "texts",
                "goals",
                "partners",
                "schools",
                "actions",
                "measurements",
                "risks",
            )
        },
        "diagnosis": diagnosis,
        "version": number,
        "status_label": "Zatwierdzony" if accepted else status_label,
        "accepted": accepted,
    }
    return _plain(context), [m for _s, _a, m in plans.blocking(plans.missing_items(plan))]


def attendance_context(module, group):
    from . import programme  # noqa: PLC0415 (the programme area builds on documents)

    return _plain({**_common(False), **programme.attendance_list_context(module, group)}), []


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
    context = {
        **_common(False),
        "programme": certificate.programme,
        "c": {
            "number": certificate.number,
            "name": certificate.full_name,
            "jst": membership.jst.name if membership else "",
            "issued_on": certificate.issued_on,
            "period": f"{date_pl(start, document=True)} – {date_pl(end, document=True)}",
            "modules": [
                {"number": m.number, "dates": programme.module_dates(m)}
                for m in programme.modules()
            ],
            "verify_url": verify_url,
            "code": certificate.code,
        },
    }
    return _plain(context)


def build_context(kind, obj, actor=None, version=None):
    if kind == "oswiadczenie":
        return declaration_context(obj, actor)
    if kind == "deklaracja":
        return agreement_context(obj)
    return plan_context(obj, version)


def _plain(value):
    """Plain values for a template: text cleaned of characters XML forbids, dates in Polish."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return date_pl(value.date(), document=True)
    if isinstance(value, date):
        return date_pl(value, document=True)
    if isinstance(value, str):
        return clean(value)
    if value is None:
        return ""
    return value


def fingerprint(context):
    """What the document printed, as a hash (the date of printing aside)."""
    stable = {k: v for k, v in context.items() if k != "date"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


# ---------- rendering ----------


class _Sandbox(SandboxedEnvironment):
    """Compiles each template part once: rendering a batch reuses the compiled parts (keyed by
    their source, so a new template version compiles anew)."""

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
    doc.render(context, jinja_env=sandbox(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(kind, name, version=None):
    """Readable ASCII: deklaracja-gmina-przykladowo.docx."""
    suffix = f"-wersja-{version}" if version else ""
    return f"{kind}-{slugify(name)}{suffix}.docx"


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
                "modules": [{"number": 1, "dates": "05.04.2017 – 07.04.2017"}],
                "verify_url": "https://planjst.example.org/zaswiadczenie/kod",
                "code": "kod",
            },
        }
    if kind == "lista_obecnosci":
        return {
            **common,
            "module": {
                "number": 1,
                "dates": "05.04.2017 – 07.04.2017",
                "venue": "Centrum Szkoleniowe",
            },
            "group": 1,
            "days": ["05.04.2017", "06.04.2017", "07.04.2017"],
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
        return {**common, "p": person}
    if kind == "deklaracja":
        signatory = {"name": "Jan Wzorcowy", "function": "Wójt"}
        return {
            **common,
            "jst": jst,
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
        "version": 1,
        "status_label": "Szkic",
        "accepted": False,
    }


def check_template(kind, data):
    """Refuse anything but a valid .docx that renders the full sample context in the sandbox."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(
            f"Plik jest za duży (najwyżej {MAX_TEMPLATE_BYTES // 1024 // 1024} MB)."
        )
    try:
        uploads.check_office_file(data, "docx")
    except uploads.UploadRefused as exc:
        raise TemplateRefused(str(exc)) from exc
    try:
        render(kind, sample_context(kind), template=data)
    except TemplateError as exc:
        fragment = " ".join(
            line.strip() for line in getattr(exc, "docx_context", []) if line.strip()
        )
        message = f"Szablon zawiera błąd: {_polish(exc)}"
        if fragment:
            message += f" Fragment: „{fragment[:200]}”."
        raise TemplateRefused(message) from exc
    except Exception as exc:  # a corrupt document inside a valid zip: python-docx/lxml errors
        raise TemplateRefused(
            "Nie udało się odczytać dokumentu Word — plik jest uszkodzony."
        ) from exc


def _polish(exc):
    text = str(exc)
    if "unsafe" in text or "access to attribute" in text:
        return f"niedozwolone odwołanie ({text})."
    if "undefined" in text or "has no attribute" in text:
        return f"nieznana zmienna lub pole ({text})."
    return f"{text}."


def save_template(kind, data, name, actor):
    with write_tx():
        row = DocumentTemplate.create(kind=kind, data=data, filename=name[:200], uploaded_by=actor)
        audit.record("template_uploaded", actor=actor, details=f"{kind} v{row.id}")
    return row


def template_history(kind):
    return list(
        DocumentTemplate.select(
            DocumentTemplate.id,
            DocumentTemplate.kind,
            DocumentTemplate.filename,
            DocumentTemplate.uploaded_at,
            DocumentTemplate.uploaded_by,
        )
        .where(DocumentTemplate.kind == kind)
        .order_by(DocumentTemplate.id.desc())
    )


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
    )
    if jst is not None:
        query = query.where(SignedCopy.jst == jst)
    if participant is not None:
        query = query.where(SignedCopy.participant == participant)
    return list(query.order_by(SignedCopy.id.desc()))


def record_signed(kind, obj, received_on, actor, version=None):
    """Store the exact file that was signed (rendered now) and what it printed."""
    context, _missing = build_context(kind, obj, actor, version)
    data = render(kind, context)
    name = obj.full_name if kind == "oswiadczenie" else obj.name
    with write_tx():
        copy = SignedCopy.create(
            kind=kind,
            jst=obj if isinstance(obj, Jst) else None,
            participant=obj if isinstance(obj, User) else None,
            plan_version=version,
            received_on=received_on,
            recorded_by=actor,
            fingerprint=fingerprint(context),
            filename=filename(kind, name, version),
            data=data,
        )
        audit.record("signed_copy", actor=actor, details=f"{kind} #{copy.id}")
    return copy


# ---------- batches ----------


def batch(kind, group=None, actor=None):
    """[(file name, context, missing)] of every document of a kind (active JSTs, current team
    members), loaded before any streaming starts."""
    jsts = Jst.select().where(Jst.status == "active").order_by(Jst.name_sort)
    if group:
        jsts = jsts.where(Jst.program_group == group)
    items = []
    for jst in jsts:
        if kind == "oswiadczenie":
            for member in plans.current_team(jst):
                context, missing = declaration_context(member.user, actor)
                items.append(
                    (filename(kind, f"{jst.name} {member.user.full_name}"), context, missing)
                )
        else:
            context, missing = build_context(kind, jst)
            items.append((filename(kind, jst.name), context, missing))
    if kind == "oswiadczenie" and actor is not None:
        audit.record("documents_batch", actor=actor, details=f"{kind}: {len(items)}")
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


def merged(kind, items):
    """One .docx with every document of the batch, each from a new page, for printing."""
    template = template_bytes(kind)
    composer = None
    for _name, context, _missing in items:
        document = Document(io.BytesIO(render(kind, context, template)))
        if composer is None:
            composer = Composer(document)
        else:
            composer.doc.add_page_break()
            composer.append(document)
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue()


def plan_versions(jst):
    plan = Plan.get_or_none(Plan.jst == jst)
    return plans.versions(plan) if plan else []
