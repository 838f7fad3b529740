"""The plan wizard: steps, loading and saving content without lost work, completeness, the
life cycle, versions and their comparison. Plain Python: the views only call these."""

import difflib
import hashlib
import json
import os
import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from peewee import IntegrityError, fn, prefetch

from models import (
    Jst,
    TeamMembership,
    User,
    locked,
    utcnow,
    write_tx,
)
from models.plans import (
    STATUS_LABELS,
    Action,
    ActionPartner,
    ActionSchool,
    Measurement,
    OperationalGoal,
    Partner,
    Plan,
    PlanEvent,
    PlanStep,
    PlanText,
    PlanVersion,
    Risk,
    School,
    StrategicGoal,
)

from . import audit, jst_rules, jsts
from .formatting import money_pl

STEPS = [
    ("jst", "JST i zespół"),
    ("diagnoza", "Diagnoza"),
    ("wizja", "Wizja i cele"),
    ("koalicja", "Koalicja"),
    ("szkoly", "Szkoły"),
    ("dzialania", "Działania"),
    ("monitoring", "Monitoring i ewaluacja"),
    ("podsumowanie", "Podsumowanie"),
]
STEP_TITLES = dict(STEPS)
EDITABLE = {"draft", "returned"}
# Test-only (tests/test_reliability.py, config TEST_HOLD_SAVE_FILE): a save writes this file and
# then waits inside its transaction, to be killed there. None — the hook is inert — otherwise.
HOLD_SAVE_FILE = None

# step → [(field, label)]: the text fields of a step (all required for completeness)
TEXT_FIELDS = {
    "diagnoza": [
        ("education_state", "Stan oświaty: szkoły i przedszkola, uczniowie, wyniki"),
        ("needs_ict", "Potrzeby: kompetencje cyfrowe (TIK)"),
        ("needs_math_science", "Potrzeby: matematyka i nauki przyrodnicze"),
        ("needs_languages", "Potrzeby: języki obce"),
        ("experimental_teaching", "Nauczanie eksperymentalne"),
        ("attitudes", "Postawy: kreatywność, innowacyjność, praca zespołowa"),
        ("individual_work", "Zindywidualizowane podejście do ucznia"),
        ("swot_strengths", "SWOT: mocne strony"),
        ("swot_weaknesses", "SWOT: słabe strony"),
        ("swot_opportunities", "SWOT: szanse"),
        ("swot_threats", "SWOT: zagrożenia"),
    ],
    "wizja": [("vision", "Wizja rozwoju oświaty w JST")],
    "monitoring": [("evaluation", "Harmonogram ewaluacji planu")],
}
TEXT_LABELS = {field: label for fields in TEXT_FIELDS.values() for field, label in fields}

COMPETENCE_AREAS = [
    ("rozumienie", "rozumienie i tworzenie informacji"),
    ("wielojezycznosc", "wielojęzyczność"),
    (
        "matematyczne",
        "kompetencje matematyczne oraz w zakresie nauk przyrodniczych, technologii i inżynierii",
    ),
    ("cyfrowe", "kompetencje cyfrowe"),
    ("osobiste", "kompetencje osobiste, społeczne i w zakresie umiejętności uczenia się"),
    ("obywatelskie", "kompetencje obywatelskie"),
    ("przedsiebiorczosc", "przedsiębiorczość"),
    ("ekspresja", "świadomość i ekspresja kulturalna"),
    ("postawy", "umiejętności uniwersalne i postawy (kreatywność, innowacyjność, praca zespołowa)"),
]
AREA_LABELS = dict(COMPETENCE_AREAS)
SCHOOL_KINDS = [
    ("przedszkole", "przedszkole"),
    ("szkola_podstawowa", "szkoła podstawowa"),
    ("liceum", "liceum ogólnokształcące"),
    ("technikum", "technikum"),
    ("branzowa", "szkoła branżowa"),
    ("inna", "inna placówka"),
]
SCHOOL_KIND_LABELS = dict(SCHOOL_KINDS)


@dataclass(frozen=True)
class RowKind:
    slug: str
    model: type
    step: str
    singular: str  # "cel strategiczny"
    plural: str
    fields: tuple  # the model fields a row form edits (links handled separately)


ROW_KINDS = {
    kind.slug: kind
    for kind in (
        RowKind(
            "cele-strategiczne",
            StrategicGoal,
            "wizja",
            "cel strategiczny",
            "Cele strategiczne",
            ("title",),
        ),
        RowKind(
            "cele-operacyjne",
            OperationalGoal,
            "wizja",
            "cel operacyjny",
            "Cele operacyjne",
            ("strategic_goal", "title"),
        ),
        RowKind(
            "partnerzy",
            Partner,
            "koalicja",
            "partner koalicji",
            "Partnerzy koalicji",
            ("institution", "person", "role", "contribution", "contact"),
        ),
        RowKind(
            "szkoly",
            School,
            "szkoly",
            "szkoła lub przedszkole",
            "Szkoły i przedszkola",
            ("name", "kind", "rspo", "address", "headteacher"),
        ),
        RowKind(
            "dzialania",
            Action,
            "dzialania",
            "działanie",
            "Działania",
            (
                "title",
                "goal",
                "area",
                "responsible",
                "start_month",
                "end_month",
                "cost_grosze",
                "funding",
                "expected_result",
                "indicator",
                "target",
                "verification",
            ),
        ),
        RowKind(
            "pomiary",
            Measurement,
            "monitoring",
            "pomiar wskaźnika",
            "Pomiar wskaźników",
            ("action", "who", "timing", "how"),
        ),
        RowKind(
            "ryzyka",
            Risk,
            "monitoring",
            "ryzyko",
            "Ryzyka i sposoby zapobiegania",
            ("risk", "mitigation"),
        ),
    )
}
STEP_ROW_KINDS = {}
for _kind in ROW_KINDS.values():
    STEP_ROW_KINDS.setdefault(_kind.step, []).append(_kind)


class NotEditable(Exception):
    """The plan is submitted or accepted: read-only for the team."""


class RowConflict(Exception):
    """Someone saved this row since the user opened it; `current` is the saved row."""

    def __init__(self, current):
        super().__init__("conflict")
        self.current = current


class ProfileRulesBroken(Exception):
    """The user's profile changes merged with someone else's newer save would break the profile
    rules (jst_rules.profile_errors); `errors`: {field: Polish message}. Nothing was saved."""

    def __init__(self, errors):
        super().__init__("profile rules broken")
        self.errors = errors


class TransitionRefused(Exception):
    """A life-cycle change that is not possible now; the message is what the user sees."""


# ---------- loading ----------


def get_plan(jst):
    """The JST's plan, created as a draft on first use."""
    plan = Plan.get_or_none(Plan.jst == jst)
    if plan is None:
        try:
            with write_tx():
                plan = Plan.create(jst=jst)
        except IntegrityError:  # someone else opened it for the first time at the same moment
            plan = Plan.get(Plan.jst == jst)
    return plan


def texts(plan):
    return {t.field: t for t in PlanText.select().where(PlanText.plan == plan)}


def rows(plan, kind, links=True):
    """The rows of one kind in order: a fixed number of queries. Actions come with their school
    and partner links (prefetched), or with only `school_count` when links=False (the table)."""
    model = ROW_KINDS[kind].model
    query = model.select().where(model.plan == plan).order_by(model.position, model.id)
    if model is not Action:
        return list(query)
    if not links:
        count = (
            ActionSchool.select(fn.COUNT(ActionSchool.id))
            .where(ActionSchool.action == Action.id)
            .alias("school_count")
        )
        return list(query.select_extend(count))
    return prefetch(
        query,
        ActionSchool.select(ActionSchool, School).join(School),
        ActionPartner.select(ActionPartner, Partner).join(Partner),
    )


def step_meta(plan):
    """step → (updated_at, user name) of the last save."""
    query = (
        PlanStep.select(PlanStep, User)
        .join(User, on=PlanStep.updated_by == User.id)
        .where(PlanStep.plan == plan)
    )
    return {s.step: (s.updated_at, s.updated_by.full_name) for s in query}


def choices(plan):
    """Rows other rows may point to, for the select fields: [(id, label)]."""
    goals = rows(plan, "cele-operacyjne")
    strategic = {g.id: n for n, g in enumerate(rows(plan, "cele-strategiczne"), start=1)}
    numbered = goal_numbers(plan)
    return {
        "strategic_goal": [(g_id, f"{n}. cel strategiczny") for g_id, n in strategic.items()],
        "goal": [(g.id, f"{numbered.get(g.id, '')} {g.title[:80]}") for g in goals],
        "schools": [(s.id, s.name) for s in rows(plan, "szkoly")],
        "partners": [(p.id, p.institution) for p in rows(plan, "partnerzy")],
        "action": [
            (a.id, f"{a.title} — {a.indicator}")
            for a in Action.select().where(Action.plan == plan).order_by(Action.position, Action.id)
        ],
    }


def goal_numbers(plan):
    """operational goal id → "1.2" (strategic number . operational number)."""
    numbers, strategic = {}, {}
    for n, goal in enumerate(
        StrategicGoal.select()
        .where(StrategicGoal.plan == plan)
        .order_by(StrategicGoal.position, StrategicGoal.id),
        start=1,
    ):
        strategic[goal.id] = [n, 0]
    for goal in (
        OperationalGoal.select()
        .where(OperationalGoal.plan == plan)
        .order_by(OperationalGoal.position, OperationalGoal.id)
    ):
        entry = strategic.get(goal.strategic_goal_id)
        if entry:
            entry[1] += 1
            numbers[goal.id] = f"{entry[0]}.{entry[1]}"
    return numbers


def current_team(jst):
    return list(
        TeamMembership.select(TeamMembership, User)
        .join(User)
        .where((TeamMembership.jst == jst) & TeamMembership.left_at.is_null())
        .order_by(TeamMembership.id)
    )


# ---------- saving ----------


def _locked(plan):
    """The plan read afresh inside a write transaction; saves of one plan run one at a time from
    here on, so the version checks that follow see every earlier save."""
    return locked(Plan.select().where(Plan.id == plan.id)).get()


def _editable(plan):
    if _locked(plan).status not in EDITABLE:
        raise NotEditable()


def _hold_for_test():
    if HOLD_SAVE_FILE:
        Path(HOLD_SAVE_FILE).write_text(str(os.getpid()))
        threading.Event().wait()


def touch_step(plan, step, user):
    now = utcnow()
    PlanStep.insert(plan=plan, step=step, updated_at=now, updated_by=user).on_conflict(
        conflict_target=[PlanStep.plan, PlanStep.step],
        update={PlanStep.updated_at: now, PlanStep.updated_by: user},
    ).execute()
    Plan.update(updated_at=now).where(Plan.id == plan.id).execute()


def save_texts(plan, step, submitted, user):
    """Save a step's text fields. `submitted`: field → (value, version the user started from),
    for the fields the user changed (or all). Fields nobody else changed are saved; returns the
    conflicts [(field, label, saved value)] — those the user must merge."""
    conflicts = []
    with write_tx():
        _editable(plan)
        current = texts(plan)
        changed = False
        for field, label in TEXT_FIELDS[step]:
            if field not in submitted:
                continue
            value, version = submitted[field]
            row = current.get(field)
            saved = row.value if row else ""
            if value == saved:
                continue
            if (row.version if row else 0) != version:
                conflicts.append((field, label, saved))
                continue
            if row is None:
                PlanText.create(plan=plan, field=field, value=value)
            else:
                PlanText.update(value=value, version=PlanText.version + 1).where(
                    PlanText.id == row.id
                ).execute()
            changed = True
        if changed:
            touch_step(plan, step, user)
        _hold_for_test()
    return conflicts


def digest(value):
    """A short fingerprint of a text as a form showed it: what the user started from."""
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def save_profile(plan, jst, submitted, version, user, address=""):
    """Save the JST profile fields the user changed, field by field, as save_texts does.
    `submitted`: field → (value, digest of the value the form showed, or None when unknown),
    for the fields the user changed; `version`: the profile version the form was opened at.
    A field someone else changed meanwhile is not overwritten. Returns (saved, conflicts):
    the names of the fields saved and [(field, saved value)] — those the user must merge.
    Raises ProfileRulesBroken, saving nothing, when the merged profile would break the rules."""
    saved, conflicts = [], []
    with write_tx():
        _editable(plan)
        fresh = locked(Jst.select().where(Jst.id == jst.id)).get()
        data = {}
        for field, (value, started) in submitted.items():
            current = getattr(fresh, field) or ""
            if value == current:
                continue
            if fresh.version != version and started != digest(current):
                conflicts.append((field, current))
            else:
                data[field] = value
        if data:
            # each form passed the rules alone; what is stored is the merge, so check that
            merged = {name: getattr(fresh, name) or "" for name in jsts.PROFILE_FIELDS} | data
            errors = jst_rules.profile_errors(fresh.kind, merged)
            if errors:
                raise ProfileRulesBroken(errors)
            jsts.save_jst(fresh, data, user, address, expected_version=fresh.version)
            touch_step(plan, "jst", user)
            saved = list(data)
    return saved, conflicts


def new_uid():
    return uuid.uuid4().hex


def save_row(plan, kind, uid, values, version, user, links=None):
    """Create (version None) or update one row. Creating twice with the same uid (a double
    click) creates it once. Raises RowConflict when the row changed since `version`, or when
    it exists and `version` is None (posted again as new, or a malformed version) with other
    content — never a silent success that saved nothing.
    `links`: for actions, {"schools": [ids], "partners": [ids]} (ids of this plan's rows)."""
    spec = ROW_KINDS[kind]
    model = spec.model
    with write_tx():
        _editable(plan)
        _check_references(plan, values, links)
        row = model.get_or_none((model.plan == plan) & (model.uid == uid))
        if row is None:
            if version is not None:  # it was deleted meanwhile
                raise RowConflict(None)
            last = (
                model.select(model.position)
                .where(model.plan == plan)
                .order_by(model.position.desc())
                .first()
            )
            row = model.create(
                plan=plan, uid=uid, position=(last.position + 1) if last else 1, **values
            )
        elif row.version != version:  # also a new row posted again, or a malformed version
            if _same_content(kind, row, values, links):
                return row  # a double click: the first click saved exactly this
            raise RowConflict(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.version += 1
            row.save()
        if links is not None:
            _save_links(row, links)
        touch_step(plan, spec.step, user)
        _hold_for_test()
    return row


def saved_values(kind, row):
    """(values, links) of a saved row, in the shape save_row takes them."""
    values = {}
    for name in ROW_KINDS[kind].fields:
        field = getattr(type(row), name)
        values[name] = getattr(row, field.column_name if hasattr(field, "rel_model") else name)
    links = None
    if kind == "dzialania":
        links = {
            "schools": [link.school_id for link in row.school_links],
            "partners": [link.partner_id for link in row.partner_links],
        }
    return values, links


def _same_content(kind, row, values, links):
    saved, saved_links = saved_values(kind, row)
    if any(values.get(name) != value for name, value in saved.items()):
        return False
    if links is None:
        return True
    return all(sorted(links.get(name, [])) == sorted(ids) for name, ids in saved_links.items())


def _check_references(plan, values, links):
    """Refuse pointers to another plan's rows (the forms offer only this plan's)."""
    owners = {"goal": OperationalGoal, "strategic_goal": StrategicGoal, "action": Action}
    for name, model in owners.items():
        ref = values.get(name)
        if (
            ref is not None
            and not model.select().where((model.id == ref) & (model.plan == plan)).exists()
        ):
            raise ValueError(f"invalid reference {name}")
    for name, model in (("schools", School), ("partners", Partner)):
        ids = set((links or {}).get(name, []))
        if ids and model.select().where((model.id.in_(ids)) & (model.plan == plan)).count() != len(
            ids
        ):
            raise ValueError(f"invalid reference {name}")


def _save_links(action, links):
    ActionSchool.delete().where(ActionSchool.action == action).execute()
    ActionPartner.delete().where(ActionPartner.action == action).execute()
    for school in links.get("schools", []):
        ActionSchool.create(action=action, school=school)
    for partner in links.get("partners", []):
        ActionPartner.create(action=action, partner=partner)


def get_row(plan, kind, uid):
    model = ROW_KINDS[kind].model
    return model.get_or_none((model.plan == plan) & (model.uid == uid))


def delete_row(plan, kind, uid, user):
    spec = ROW_KINDS[kind]
    with write_tx():
        _editable(plan)
        row = get_row(plan, kind, uid)
        if row is not None:
            row.delete_instance(recursive=True)
            touch_step(plan, spec.step, user)
    return row is not None


def move_row(plan, kind, uid, direction, user):
    """Swap the row with its neighbour (direction -1 up, +1 down)."""
    spec = ROW_KINDS[kind]
    with write_tx():
        _editable(plan)
        ordered = rows(plan, kind)
        index = next((i for i, r in enumerate(ordered) if r.uid == uid), None)
        other = None if index is None else index + direction
        if other is None or not 0 <= other < len(ordered):
            return False
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, row in enumerate(ordered, start=1):
            if row.position != position:
                spec.model.update(position=position).where(spec.model.id == row.id).execute()
        touch_step(plan, spec.step, user)
    return True


# ---------- completeness and progress ----------

PROFILE_BY_COORDINATOR = {"teryt", "nip", "regon"}


def profile_requirements(jst):
    """The profile fields the plan needs, as Polish labels: (those the team fills in, those the
    coordinator does) — the rule missing_items applies, asked of an empty profile."""
    required = jst_rules.missing_for_documents(Jst(kind=jst.kind))
    return (
        [label for field, label in required if field not in PROFILE_BY_COORDINATOR],
        [label for field, label in required if field in PROFILE_BY_COORDINATOR],
    )


def missing_items(plan):
    """Every gap before submission: [(step, anchor, message)]; anchors are field ids on the step
    page or a row's edit link ("row:<kind>:<uid>")."""
    jst = Jst.get_by_id(plan.jst_id)
    gaps = []
    team = current_team(jst)
    if len(team) < 2:
        gaps.append(
            ("jst", "team", "Zespół JST jest niekompletny (potrzebne co najmniej 2 osoby).")
        )
    for field, label in jst_rules.missing_for_documents(jst):
        gaps.append(("jst", field, f"Dane JST: brak — {label}."))
    saved = texts(plan)
    for step, fields in TEXT_FIELDS.items():
        for field, label in fields:
            if not (saved.get(field) and saved[field].value.strip()):
                gaps.append((step, field, f"{label}: pole jest puste."))
    gaps += _row_gaps(plan)
    return gaps


def _row_gaps(plan):
    """The gaps among rows, found by the database (a fixed number of small queries however
    large the plan is)."""
    gaps = []
    strategic = list(
        StrategicGoal.select(StrategicGoal.id, StrategicGoal.uid)
        .where(StrategicGoal.plan == plan)
        .order_by(StrategicGoal.position, StrategicGoal.id)
    )
    if not strategic:
        gaps.append(("wizja", "cele-strategiczne", "Dodaj co najmniej jeden cel strategiczny."))
    with_operational = {
        o.strategic_goal_id
        for o in OperationalGoal.select(OperationalGoal.strategic_goal).where(
            OperationalGoal.plan == plan
        )
    }
    for n, goal in enumerate(strategic, start=1):
        if goal.id not in with_operational:
            gaps.append(
                (
                    "wizja",
                    f"row:cele-strategiczne:{goal.uid}",
                    f"Cel strategiczny {n} nie ma celu operacyjnego.",
                )
            )
    served = Action.select(Action.goal).where((Action.plan == plan) & Action.goal.is_null(False))
    for goal in (
        OperationalGoal.select(OperationalGoal.uid, OperationalGoal.title)
        .where((OperationalGoal.plan == plan) & OperationalGoal.id.not_in(served))
        .order_by(OperationalGoal.position, OperationalGoal.id)
    ):
        gaps.append(
            (
                "wizja",
                f"row:cele-operacyjne:{goal.uid}",
                f"Cel operacyjny „{goal.title[:60]}” nie ma żadnego działania.",
            )
        )
    if not Partner.select().where(Partner.plan == plan).exists():
        gaps.append(
            (
                "koalicja",
                "partnerzy",
                "Koalicja nie ma partnerów (dozwolone, ale warto ją zbudować).",
            )
        )
    if not School.select().where(School.plan == plan).exists():
        gaps.append(("szkoly", "szkoly", "Dodaj szkoły lub przedszkola objęte wspomaganiem."))
    covered = ActionSchool.select(ActionSchool.school).join(Action).where(Action.plan == plan)
    for school in (
        School.select(School.uid, School.name)
        .where((School.plan == plan) & School.id.not_in(covered))
        .order_by(School.position, School.id)
    ):
        gaps.append(
            (
                "szkoly",
                f"row:szkoly:{school.uid}",
                f"Szkoła „{school.name}” nie jest objęta żadnym działaniem.",
            )
        )
    if not Action.select().where(Action.plan == plan).exists():
        gaps.append(("dzialania", "dzialania", "Dodaj działania planu."))
    required = (
        (Action.goal, "cel"),
        (Action.responsible, "odpowiedzialny"),
        (Action.start_month, "początek"),
        (Action.end_month, "koniec"),
        (Action.indicator, "wskaźnik"),
        (Action.target, "wartość docelowa"),
    )
    incomplete = Action.goal.is_null()
    for column, _label in required[1:]:
        incomplete |= column == ""
    for action in (
        Action.select()
        .where((Action.plan == plan) & incomplete)
        .order_by(Action.position, Action.id)
    ):
        lacking = [
            label
            for column, label in required
            if not getattr(action, column.name if column is not Action.goal else "goal_id")
        ]
        gaps.append(
            (
                "dzialania",
                f"row:dzialania:{action.uid}",
                f"Działanie „{action.title[:60]}”: brak — {', '.join(lacking)}.",
            )
        )
    measured = Measurement.select(Measurement.action).where(Measurement.plan == plan)
    for action in (
        Action.select(Action.title)
        .where((Action.plan == plan) & (Action.indicator != "") & Action.id.not_in(measured))
        .order_by(Action.position, Action.id)
    ):
        gaps.append(
            (
                "monitoring",
                "pomiary",
                f"Wskaźnik działania „{action.title[:60]}” nie ma planu pomiaru.",
            )
        )
    return gaps + _measurement_gaps(plan)


def _measurement_gaps(plan):
    """A measurement plan says who measures, when and how: one gap per row that does not."""
    required = (
        (Measurement.who, "kto mierzy"),
        (Measurement.timing, "kiedy"),
        (Measurement.how, "jak"),
    )
    incomplete = (
        (fn.TRIM(Measurement.who) == "")
        | (fn.TRIM(Measurement.timing) == "")
        | (fn.TRIM(Measurement.how) == "")
    )
    gaps = []
    for row in (
        Measurement.select(Measurement, Action.title)
        .join(Action)
        .where((Measurement.plan == plan) & incomplete)
        .order_by(Measurement.position, Measurement.id)
    ):
        lacking = [label for column, label in required if not getattr(row, column.name).strip()]
        gaps.append(
            (
                "monitoring",
                f"row:pomiary:{row.uid}",
                f"Pomiar wskaźnika działania „{row.action.title[:60]}”: brak — "
                f"{', '.join(lacking)}.",
            )
        )
    return gaps


BLOCKING_EXCEPT = {"partnerzy"}  # an empty coalition is flagged but allowed


def blocking(gaps):
    return [g for g in gaps if g[1] not in BLOCKING_EXCEPT]


def step_states(plan, gaps=None):
    """step → "empty" | "started" | "complete"."""
    gaps = missing_items(plan) if gaps is None else gaps
    saved = texts(plan)
    started = {
        step
        for step, fields in TEXT_FIELDS.items()
        if any(saved.get(f) and saved[f].value.strip() for f, _l in fields)
    }
    for kind in ROW_KINDS.values():
        if kind.model.select().where(kind.model.plan == plan).exists():
            started.add(kind.step)
    jst = Jst.get_by_id(plan.jst_id)
    if jst.street or jst.head_name:
        started.add("jst")
    open_steps = {step for step, _a, _m in blocking(gaps)}
    states = {}
    for step, _title in STEPS[:-1]:
        if step not in started:
            states[step] = "empty"
        else:
            states[step] = "started" if step in open_steps else "complete"
    states["podsumowanie"] = (
        "complete"
        if plan.status != "draft" or not blocking(gaps)
        else ("started" if started else "empty")
    )
    return states


# ---------- content (what documents print and versions freeze) ----------


def plan_content(plan):
    """The plan as plain values. Keys:
    jst: {name, kind, kind_label, group, teryt, nip, regon, street, postal_code, city, head_title,
          head_name, signatory1_name/_function, signatory2_name/_function, countersignatory_name/
          _function, contact_name, contact_email, contact_phone}
    team: [{name, function}]
    status, status_label
    texts: {field: value} for every field of TEXT_FIELDS
    goals: [{uid, number, title, operational: [{uid, number, title}]}]
    partners: [{uid, institution, person, role, contribution, contact}]
    schools: [{uid, name, kind, kind_label, rspo, address, headteacher}]
    actions: [{uid, title, goal (number + title), goal_uid, area, area_label, schools [names],
               partners [names], responsible, start_month, end_month, cost (formatted),
               cost_grosze, funding, expected_result, indicator, target, verification}]
    measurements: [{uid, action (title), action_uid, indicator, who, timing, how}]
    risks: [{uid, risk, mitigation}]
    """
    jst = Jst.get_by_id(plan.jst_id)
    saved = texts(plan)
    strategic = rows(plan, "cele-strategiczne")
    operational = rows(plan, "cele-operacyjne")
    numbers = goal_numbers(plan)
    goals = []
    for n, goal in enumerate(strategic, start=1):
        goals.append(
            {
                "uid": goal.uid,
                "number": str(n),
                "title": goal.title,
                "operational": [
                    {"uid": o.uid, "number": numbers.get(o.id, ""), "title": o.title}
                    for o in operational
                    if o.strategic_goal_id == goal.id
                ],
            }
        )
    goal_by_id = {o.id: o for o in operational}
    actions = rows(plan, "dzialania")
    action_by_id = {a.id: a for a in actions}
    return {
        "jst": {
            name: getattr(jst, name) or ""
            for name in (
                "name",
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
            )
        }
        | {"kind_label": jst.kind_label, "group": jst.group_label},
        "team": [{"name": m.user.full_name, "function": m.function} for m in current_team(jst)],
        "status": plan.status,
        "status_label": STATUS_LABELS[plan.status],
        "texts": {field: (saved[field].value if field in saved else "") for field in TEXT_LABELS},
        "goals": goals,
        "partners": [
            {
                "uid": p.uid,
                "institution": p.institution,
                "person": p.person,
                "role": p.role,
                "contribution": p.contribution,
                "contact": p.contact,
            }
            for p in rows(plan, "partnerzy")
        ],
        "schools": [
            {
                "uid": s.uid,
                "name": s.name,
                "kind": s.kind,
                "kind_label": SCHOOL_KIND_LABELS.get(s.kind, ""),
                "rspo": s.rspo,
                "address": s.address,
                "headteacher": s.headteacher,
            }
            for s in rows(plan, "szkoly")
        ],
        "actions": [
            {
                "uid": a.uid,
                "title": a.title,
                "goal": _goal_label(goal_by_id.get(a.goal_id), numbers),
                "goal_uid": goal_by_id[a.goal_id].uid if a.goal_id in goal_by_id else "",
                "area": a.area,
                "area_label": AREA_LABELS.get(a.area, ""),
                "schools": [link.school.name for link in a.school_links],
                "partners": [link.partner.institution for link in a.partner_links],
                "responsible": a.responsible,
                "start_month": a.start_month,
                "end_month": a.end_month,
                "cost": money_pl(a.cost_grosze),
                "cost_grosze": a.cost_grosze,
                "funding": a.funding,
                "expected_result": a.expected_result,
                "indicator": a.indicator,
                "target": a.target,
                "verification": a.verification,
            }
            for a in actions
        ],
        "measurements": [
            {
                "uid": m.uid,
                "action": action_by_id[m.action_id].title,
                "action_uid": action_by_id[m.action_id].uid,
                "indicator": action_by_id[m.action_id].indicator,
                "who": m.who,
                "timing": m.timing,
                "how": m.how,
            }
            for m in rows(plan, "pomiary")
            if m.action_id in action_by_id
        ],
        "risks": [
            {"uid": r.uid, "risk": r.risk, "mitigation": r.mitigation} for r in rows(plan, "ryzyka")
        ],
    }


def _goal_label(goal, numbers):
    return f"{numbers.get(goal.id, '')} {goal.title}".strip() if goal else ""


def versions(plan):
    return list(
        PlanVersion.select(PlanVersion, User)
        .join(User, on=PlanVersion.submitted_by == User.id)
        .where(PlanVersion.plan == plan)
        .order_by(PlanVersion.number)
    )


def version_content(plan, number):
    """The content frozen at submission `number` (None when there is no such version)."""
    row = PlanVersion.get_or_none((PlanVersion.plan == plan) & (PlanVersion.number == number))
    return json.loads(row.content) if row else None


def next_version_number(plan):
    last = (
        PlanVersion.select(PlanVersion.number)
        .where(PlanVersion.plan == plan)
        .order_by(PlanVersion.number.desc())
        .first()
    )
    return (last.number if last else 0) + 1


# ---------- life cycle ----------

TRANSITIONS = {
    # action → (allowed from, to)
    "submit": ({"draft", "returned"}, "submitted"),
    "return": ({"submitted"}, "returned"),
    "accept": ({"submitted"}, "accepted"),
    "reopen": ({"accepted"}, "returned"),
}


def transition(plan, action, user, message=""):
    """Move the plan through its life cycle; a submission freezes a new version."""
    allowed, target = TRANSITIONS[action]
    with write_tx():
        fresh = _locked(plan)
        if fresh.status not in allowed:
            raise TransitionRefused(
                f"Plan ma status „{fresh.status_label}” — tej czynności nie można teraz wykonać."
            )
        if action == "submit":
            gaps = blocking(missing_items(fresh))
            if gaps:
                raise TransitionRefused("Plan nie jest kompletny — proszę uzupełnić braki z listy.")
            PlanVersion.create(
                plan=fresh,
                number=next_version_number(fresh),
                content=json.dumps(
                    plan_content(fresh) | {"status": target, "status_label": STATUS_LABELS[target]},
                    ensure_ascii=False,
                ),
                submitted_by=user,
            )
        if action in ("return", "reopen") and not message.strip():
            raise TransitionRefused("Proszę podać uzasadnienie.")
        PlanEvent.create(
            plan=fresh, actor=user, from_status=fresh.status, to_status=target, message=message
        )
        fresh.status = target
        fresh.updated_at = utcnow()
        fresh.save()
        audit.record(f"plan_{action}", actor=user, subject=f"jst:{fresh.jst_id}")
    return fresh


def history(plan):
    return list(
        PlanEvent.select(PlanEvent, User)
        .join(User, on=PlanEvent.actor == User.id)
        .where(PlanEvent.plan == plan)
        .order_by(PlanEvent.at, PlanEvent.id)
    )


# ---------- comparison ----------

SECTIONS = [
    # (step, content key, row label key, fields compared)
    ("jst", "team", "name", ("name", "function")),
    ("wizja", "goals", "title", ("title", "operational")),
    (
        "koalicja",
        "partners",
        "institution",
        ("institution", "person", "role", "contribution", "contact"),
    ),
    ("szkoly", "schools", "name", ("name", "kind_label", "rspo", "address", "headteacher")),
    (
        "dzialania",
        "actions",
        "title",
        (
            "title",
            "goal",
            "area_label",
            "schools",
            "partners",
            "responsible",
            "start_month",
            "end_month",
            "cost",
            "funding",
            "expected_result",
            "indicator",
            "target",
            "verification",
        ),
    ),
    ("monitoring", "measurements", "action", ("action", "who", "timing", "how")),
    ("monitoring", "risks", "risk", ("risk", "mitigation")),
]
# the JST profile as a version froze it (content["jst"]), compared field by field
PROFILE_LABELS = [
    ("name", "nazwa JST"),
    ("kind_label", "rodzaj JST"),
    ("group", "grupa programowa"),
    ("teryt", "TERYT"),
    ("nip", "NIP"),
    ("regon", "REGON"),
    ("street", "ulica i numer"),
    ("postal_code", "kod pocztowy"),
    ("city", "miejscowość"),
    ("head_title", "organ wykonawczy"),
    ("head_name", "imię i nazwisko organu wykonawczego"),
    ("signatory1_name", "osoba podpisująca — imię i nazwisko"),
    ("signatory1_function", "osoba podpisująca — funkcja"),
    ("signatory2_name", "druga osoba podpisująca — imię i nazwisko"),
    ("signatory2_function", "druga osoba podpisująca — funkcja"),
    ("countersignatory_name", "kontrasygnata — imię i nazwisko"),
    ("countersignatory_function", "kontrasygnata — funkcja"),
    ("contact_name", "osoba do kontaktu"),
    ("contact_email", "e-mail osoby do kontaktu"),
    ("contact_phone", "telefon osoby do kontaktu"),
]
FIELD_LABELS = {
    "name": "nazwa",
    "function": "stanowisko",
    "title": "tytuł",
    "operational": "cele operacyjne",
    "institution": "instytucja",
    "person": "osoba",
    "role": "rola w koalicji",
    "contribution": "wkład",
    "contact": "kontakt",
    "kind_label": "typ",
    "rspo": "RSPO",
    "address": "adres",
    "headteacher": "dyrektor",
    "goal": "cel operacyjny",
    "area_label": "obszar kompetencji",
    "schools": "szkoły",
    "partners": "partnerzy",
    "responsible": "odpowiedzialny",
    "start_month": "od",
    "end_month": "do",
    "cost": "koszt",
    "funding": "źródło finansowania",
    "expected_result": "oczekiwany rezultat",
    "indicator": "wskaźnik",
    "target": "wartość docelowa",
    "verification": "źródło weryfikacji",
    "action": "działanie",
    "who": "kto mierzy",
    "timing": "kiedy",
    "how": "jak",
    "risk": "ryzyko",
    "mitigation": "zapobieganie",
}


def _as_text(value):
    if isinstance(value, list):
        return "; ".join(v["title"] if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


def word_diff(old, new):
    """[(op, text)] with op in equal/delete/insert, word by word."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                parts.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                parts.append(("insert", "".join(b[j1:j2])))
    return parts


def compare(old, new):
    """What changed from content `old` to `new`: [{step, title, changes: [...]}], each change
    {kind: added|removed|changed, label, fields: [(field label, word diff)]} — texts first, then
    the JST profile, then rows matched by their stable uid."""
    result = {}

    def add(step, change):
        result.setdefault(step, []).append(change)

    for field, label in TEXT_LABELS.items():
        before, after = old["texts"].get(field, ""), new["texts"].get(field, "")
        if before != after:
            step = next(s for s, fields in TEXT_FIELDS.items() if field in dict(fields))
            add(
                step,
                {"kind": "changed", "label": label, "fields": [(label, word_diff(before, after))]},
            )
    before, after = old.get("jst", {}), new.get("jst", {})
    profile = [
        (label, word_diff(_as_text(before.get(f)), _as_text(after.get(f))))
        for f, label in PROFILE_LABELS
        if _as_text(before.get(f)) != _as_text(after.get(f))
    ]
    if profile:
        add("jst", {"kind": "changed", "label": "Dane JST", "fields": profile})
    for step, key, label_key, fields in SECTIONS:
        before = {r.get("uid", r.get("name")): r for r in old.get(key, [])}
        after = {r.get("uid", r.get("name")): r for r in new.get(key, [])}
        for uid, row in after.items():
            if uid not in before:
                add(
                    step,
                    {
                        "kind": "added",
                        "label": _as_text(row[label_key]),
                        "fields": [
                            (FIELD_LABELS[f], [("insert", _as_text(row.get(f)))])
                            for f in fields
                            if _as_text(row.get(f))
                        ],
                    },
                )
                continue
            diffs = [
                (FIELD_LABELS[f], word_diff(_as_text(before[uid].get(f)), _as_text(row.get(f))))
                for f in fields
                if _as_text(before[uid].get(f)) != _as_text(row.get(f))
            ]
            if diffs:
                add(step, {"kind": "changed", "label": _as_text(row[label_key]), "fields": diffs})
        for uid, row in before.items():
            if uid not in after:
                add(step, {"kind": "removed", "label": _as_text(row[label_key]), "fields": []})
    return [
        {"step": step, "title": STEP_TITLES[step], "changes": result[step]}
        for step, _t in STEPS
        if step in result
    ]


def seed_demo(ctx):
    """Add this area's fictitious demo data (idempotent); ctx: see services.demo.seed."""
    from .plans_demo import seed  # noqa: PLC0415 (the demo content is long; keep it apart)

    seed(ctx)
