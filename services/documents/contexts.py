"""Contexts of plain values for the templates: one document's, and a batch's loaded in bulk
(a fixed number of queries per chunk of JSTs)."""

import hashlib
import json
import re
from datetime import date, datetime, timedelta

from peewee import JOIN

from lib import grammar
from lib.formatting import date_pl, date_range_pl, month_pl
from lib.text import clean
from models import Jst, TeamMembership, User, write_tx
from models.participants import ParticipantData
from models.plans import Plan, PlanEvent, PlanVersion
from models.programme import Attendance, ModuleSession

from .. import jst_rules, participants, plan_rows, plans, programme, settings
from .kinds import ACCEPTED_BY, DRAFT_MARK, LINE, ORE_EXTRA, ORE_SETTINGS


def common_values(draft):
    """What every document prints besides its own data: the programme, ORE, the project, the
    data protection clause, today's date, the draft mark (when `draft`), the logo."""
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


def jst_names(values, jst):
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


def missing_ore_settings():
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
    membership = (
        TeamMembership.select(TeamMembership, Jst)
        .join(Jst)
        .where(TeamMembership.user == user.id)
        .order_by(TeamMembership.left_at.is_null(False), TeamMembership.id.desc())
        .first()
    )
    jst = membership.jst if membership else None
    context = declaration_of(data, missing, common_values(bool(missing)), user.full_name, jst)
    return context, missing


def declaration_of(data, missing, common, full_name="", jst=None):
    """A declaration's context of the participant's printable data (declaration_data), what is
    missing and common_values(bool(missing)) — a batch loads them in bulk (documents.batch);
    full_name: the account's, printed while the data lacks the name; jst: the participant's
    JST (its office: "zatrudniona w Urzędzie Gminy …")."""
    person = dict(data or EMPTY_DECLARATION)
    if not (person["first_name"] or person["last_name"]) and full_name.strip():
        first, _space, last = full_name.strip().rpartition(" ")
        person.update(first_name=first or last, last_name=last if first else "")
    sex = {"kobieta": "K", "mężczyzna": "M"}.get(person["sex_label"], "")
    sex = sex or grammar.sex_from_pesel(person["pesel"])
    return {
        **common,
        "p": _lined(plain(person), keep=("flat_no", "last_name")),
        "g": grammar.person_words(sex),
        "employer": employer_of(jst, person["employer"]),
    }


def employer_of(jst, stated):
    """{"office": locative without "w", "jej": the pronoun of the JST, "jst": its name} of the
    participant's JST
    (the office stored on it, else the suggestion by its kind); without a JST, what the
    participant stated."""
    if jst is None:
        return {"office": plain(stated) or LINE, "jej": "jej", "jst": ""}
    office = jst.office_locative or grammar.suggest_office(jst.kind, jst.name)
    words = grammar.jst_words(jst.kind, jst.name)
    return {"office": plain(office), "jej": words["jej"], "jst": plain(jst.name)}


EMPTY_DECLARATION = dict.fromkeys(
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
    content = plans.plan_content(plans.get_plan(jst))
    return _agreement_context(jst, content, missing_ore_settings(), common_values)


def agreement_contexts(jsts):
    """[(jst, context, missing)] of the agreements of the JSTs, in their order: a fixed number
    of queries per chunk of plan_rows.CHUNK JSTs."""
    ore_missing, commons = missing_ore_settings(), _commons()
    return [
        (jst, *_agreement_context(jst, plans.plan_content(plan, loaded), ore_missing, commons))
        for jst, plan, loaded, _last, _decision in _plans_of(jsts)
    ]


def _agreement_context(jst, content, ore_missing, commons):
    """(context, missing) of the agreement of the JST's plan content; ore_missing: what ORE's
    settings lack; commons(draft) gives common_values."""
    missing = [label for _field, label in jst_rules.missing_for_documents(jst)]
    if not jst.agreement_date:
        missing.append("data zawarcia deklaracji (dane JST)")
    if len(content["team"]) < 2:
        missing.append("zespół JST (co najmniej 2 osoby)")
    if not content["schools"]:
        missing.append("szkoły objęte wspomaganiem (krok „Szkoły” planu)")
    missing += ore_missing
    signatories, countersignatory = _signatories(content["jst"])
    words = grammar.jst_words(jst.kind, jst.name)
    context = {
        **commons(bool(missing)),
        "jst": jst_names(content["jst"], jst),
        "represented": words["reprezentowana"],
        "called": words["zwana"],
        "agreement_date": jst.agreement_date,
        "signatories": signatories,
        "countersignatory": countersignatory,
        "team": content["team"],
        "schools": _schools(content["schools"]),
    }
    return plain(context), missing


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
        accepted = plan.status == "accepted" and last is not None
        decision = _acceptance(plan) if accepted else None
        return _current_plan_context(jst, plan, None, last, decision, common_values)
    frozen = PlanVersion.get_or_none((PlanVersion.plan == plan) & (PlanVersion.number == version))
    if frozen is None:
        return None, []
    content = json.loads(frozen.content)
    accepted = plan.status == "accepted" and frozen.id == last.id
    decision = _acceptance(plan) if accepted else None
    # its own status: the latest version has the plan's, an earlier one was returned and
    # superseded (its content says only the status it was submitted with)
    if frozen.id == last.id:
        status_label = plan.status_label
    else:
        status_label = f"Do poprawy — zastąpiona wersją {frozen.number + 1}"
    context = _plan_context(
        jst,
        content,
        status_label,
        frozen,
        last,
        accepted,
        decision,
        False,
        common_values,
    )
    return context, []


def plan_contexts(jsts):
    """[(jst, context, missing)] of the current plans of the JSTs, in their order, as
    plan_context(jst) gives them: a fixed number of queries per chunk of plan_rows.CHUNK JSTs."""
    commons = _commons()
    return [
        (jst, *_current_plan_context(jst, plan, loaded, last, decision, commons))
        for jst, plan, loaded, last, decision in _plans_of(jsts)
    ]


def _current_plan_context(jst, plan, loaded, last, decision, commons):
    """(context, missing) of the plan's current content; loaded: its plan_rows.PlanRows (read
    when None), last: its latest PlanVersion, decision: its latest acceptance when accepted."""
    loaded = loaded if loaded is not None else plan_rows.load_one(plan)
    content = plans.plan_content(plan, loaded)
    editable = plan.status in plans.EDITABLE
    frozen = None if editable else last
    accepted = plan.status == "accepted" and last is not None
    context = _plan_context(
        jst, content, plan.status_label, frozen, last, accepted, decision, editable, commons
    )
    if frozen is not None:  # a version is frozen only when nothing blocked its submission
        return context, []
    return context, [m for _s, _a, m in plans.blocking(plans.missing_items(plan, loaded))]


def _plan_context(jst, content, status_label, frozen, last, accepted, decision, editable, commons):
    """The plan's context of its content (plans.plan_content, or a frozen version's): frozen is
    the version it prints as (None: the current draft), last the latest version, decision the
    acceptance that dates it; commons(draft) gives common_values."""
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
        **commons(editable),
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
        "jst": jst_names(content["jst"], jst),
        "schools": _schools(content["schools"]),
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
    return plain(context)


def _commons():
    """common_values of a draft and of a final document, computed once for a batch."""
    values = {draft: common_values(draft) for draft in (False, True)}
    return values.__getitem__


def _plans_of(jsts):
    """[(jst, plan, PlanRows, latest PlanVersion or None, latest acceptance or None)] of the
    JSTs, in their order, loaded in chunks (a JST without a plan gets its draft, as get_plan)."""
    jsts = list(jsts)
    result = []
    for start in range(0, len(jsts), plan_rows.CHUNK):
        chunk = jsts[start : start + plan_rows.CHUNK]
        ids = [jst.id for jst in chunk]
        found = {p.jst_id: p for p in Plan.select().where(Plan.jst.in_(ids))}
        if len(found) < len(chunk):  # drafts for those never opened, as get_plan makes them
            with write_tx():
                rows = [{"jst": i} for i in ids if i not in found]
                Plan.insert_many(rows).on_conflict_ignore().execute()
            found = {p.jst_id: p for p in Plan.select().where(Plan.jst.in_(ids))}
        chosen = [found[jst.id] for jst in chunk]
        ids = [plan.id for plan in chosen]
        last = {}
        for version in (
            PlanVersion.select(
                PlanVersion.id, PlanVersion.plan, PlanVersion.number, PlanVersion.submitted_at
            )
            .where(PlanVersion.plan.in_(ids))
            .order_by(PlanVersion.number)
        ):
            last[version.plan_id] = version
        accepted = [p.id for p in chosen if p.status == "accepted" and p.id in last]
        decisions = {}
        if accepted:
            for event in (
                PlanEvent.select(PlanEvent, User)
                .join(User, JOIN.LEFT_OUTER, on=(PlanEvent.actor == User.id))
                .where(PlanEvent.plan.in_(accepted) & (PlanEvent.to_status == "accepted"))
                .order_by(PlanEvent.at.desc(), PlanEvent.id.desc())
            ):
                decisions.setdefault(event.plan_id, event)
        loaded = plan_rows.load(chosen)
        result += [
            (jst, plan, loaded[plan.id], last.get(plan.id), decisions.get(plan.id))
            for jst, plan in zip(chunk, chosen, strict=True)
        ]
    return result


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
    values = programme.attendance_list_context(module, group)
    days = [module.start_date + timedelta(days=i) for i in range(len(values["days"]))]
    # "r." never alone on a line: a no-break space before it
    values["days"] = [_unbroken(date_pl(day, document=True)) for day in days]
    values["module"] = values["module"] | {
        "dates": _unbroken(date_range_pl(module.start_date, module.end_date))
    }
    return plain({**common_values(False), **values}), []


_POSTAL_CODE = re.compile(r"\b(\d\d)-(\d\d\d)\b")


def _schools(schools):
    """The schools with their postal codes unbreakable (a non-breaking hyphen): "00-/950" was
    split over two lines of a table's cell."""
    return [
        s | {"address": _POSTAL_CODE.sub("\\1\u2011\\2", s.get("address", ""))} for s in schools
    ]


def _unbroken(text):
    return text.replace(" r.", "\u00a0r.")


def certificate_context(certificate, verify_url):
    """The certificate's values; verify_url: its public verification page."""
    values = settings.get_all()
    membership = (
        TeamMembership.select(TeamMembership, Jst)
        .join(Jst)
        .where(TeamMembership.user == certificate.user_id)
        .order_by(TeamMembership.id.desc())
        .first()
    )
    start, end = (date.fromisoformat(values[k]) for k in ("programme_start", "programme_end"))
    minutes = _attended_minutes(certificate.user_id)
    modules = [m for m in programme.modules() if m.id in minutes]  # those attended
    record = ParticipantData.get_or_none(ParticipantData.user == certificate.user_id)
    context = {
        **common_values(False),
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
                    "hours": grammar.teaching_hours_pl(minutes[m.id]),
                }
                for m in modules
            ],
            "hours": grammar.teaching_hours_pl(sum(minutes.values())),
            "legal_basis": values["certificate_legal_basis"],
            "verify_url": verify_url,
            "qr": verify_url,  # render() prints it as a QR code
            "code": certificate.code,
        },
        "g": grammar.person_words(_certificate_sex(certificate.user_id, record)),
    }
    return plain(context)


def _certificate_sex(user_id, record):
    """The form of address the participant chose on the form, else the sex their PESEL gives
    (decrypted, not shown: not an audited read), else "" (the certificate words it without
    gender)."""
    if record is None:
        return ""
    if record.sex in ("K", "M"):
        return record.sex
    values = participants.decrypted(record, User.get_by_id(user_id)) or {}
    return grammar.sex_from_pesel(values.get("pesel") or "")


def _attended_minutes(user_id):
    """{module id: minutes of its sessions on the days the person attended} of every module
    attended (one query): a certificate states what its holder completed, not what the
    programme offered."""
    minutes = {}
    held = (ModuleSession.module == Attendance.module) & (ModuleSession.day == Attendance.day)
    query = (
        Attendance.select(Attendance.module, ModuleSession.start, ModuleSession.end)
        .join(ModuleSession, JOIN.LEFT_OUTER, on=held)
        .where(Attendance.user == user_id)
        .tuples()
    )
    for module_id, start, end in query:
        minutes.setdefault(module_id, 0)
        try:
            gap = datetime.strptime(end, "%H:%M") - datetime.strptime(start, "%H:%M")
        except (TypeError, ValueError):  # a day without sessions, a time not HH:MM
            continue
        minutes[module_id] += max(gap.total_seconds(), 0) // 60
    return minutes


def build_context(kind, obj, actor=None, version=None):
    if kind == "oswiadczenie":
        return declaration_context(obj, actor)
    if kind == "deklaracja":
        return agreement_context(obj)
    if kind == "plan":
        return plan_context(obj, version)
    raise ValueError(f"no context for {kind}")


def plain(value):
    """Plain values for a template: text cleaned of characters XML forbids and of tabs, dates
    in Polish."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
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
    # words derived from data printed anyway (the sex, the JST): their wording may change
    "g",
    "employer",
}


def fingerprint(context):
    """What the document's data printed, as a hash (a frozen plan version's later acceptance
    does not make its signed copy outdated)."""
    stable = {k: v for k, v in context.items() if k not in _NOT_DATA}
    text = json.dumps(stable, sort_keys=True, default=str).replace("\\u2011", "-")
    return hashlib.sha256(text.encode()).hexdigest()
