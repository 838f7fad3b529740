"""Completeness and progress: what the plan still lacks, step by step."""

from peewee import fn

from models import Jst
from models.plans import (
    Action,
    ActionSchool,
    Measurement,
    OperationalGoal,
    Partner,
    School,
    StrategicGoal,
)

from .. import jst_rules
from .queries import current_team, texts
from .steps import ROW_KINDS, STEPS, TEXT_FIELDS

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
