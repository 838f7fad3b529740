"""Completeness and progress: what the plan still lacks, step by step."""

from models import Jst

from .. import jst_rules, plan_rows
from .queries import texts
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


def missing_items(plan, loaded=None):
    """Every gap before submission: [(step, anchor, message)]; anchors are field ids on the step
    page or a row's edit link ("row:<kind>:<uid>"). loaded: the plan's plan_rows.PlanRows (a
    batch loads them in bulk), read here when not given."""
    loaded = loaded if loaded is not None else plan_rows.load_one(plan)
    gaps = []
    if len(loaded.team) < 2:
        gaps.append(
            ("jst", "team", "Zespół JST jest niekompletny (potrzebne co najmniej 2 osoby).")
        )
    for field, label in jst_rules.missing_for_documents(loaded.jst):
        gaps.append(("jst", field, f"Dane JST: brak — {label}."))
    saved = loaded.texts
    for step, fields in TEXT_FIELDS.items():
        for field, label in fields:
            if not (saved.get(field) and saved[field].value.strip()):
                gaps.append((step, field, f"{label}: pole jest puste."))
    return gaps + _row_gaps(loaded) + _measurement_gaps(loaded)


def _row_gaps(loaded):
    """The gaps among the plan's rows (PlanRows: no query)."""
    gaps = []
    if not loaded.strategic:
        gaps.append(("wizja", "cele-strategiczne", "Dodaj co najmniej jeden cel strategiczny."))
    with_operational = {o.strategic_goal_id for o in loaded.operational}
    for n, goal in enumerate(loaded.strategic, start=1):
        if goal.id not in with_operational:
            gaps.append(
                (
                    "wizja",
                    f"row:cele-strategiczne:{goal.uid}",
                    f"Cel strategiczny {n} nie ma celu operacyjnego.",
                )
            )
    served = {a.goal_id for a in loaded.actions if a.goal_id is not None}
    for goal in loaded.operational:
        if goal.id not in served:
            gaps.append(
                (
                    "wizja",
                    f"row:cele-operacyjne:{goal.uid}",
                    f"Cel operacyjny „{goal.title[:60]}” nie ma żadnego działania.",
                )
            )
    if not loaded.partners:
        gaps.append(
            (
                "koalicja",
                "partnerzy",
                "Koalicja nie ma partnerów (dozwolone, ale warto ją zbudować).",
            )
        )
    if not loaded.schools:
        gaps.append(("szkoly", "szkoly", "Dodaj szkoły lub przedszkola objęte wspomaganiem."))
    covered = {school_id for a in loaded.actions for school_id in a.school_ids}
    for school in loaded.schools:
        if school.id not in covered:
            gaps.append(
                (
                    "szkoly",
                    f"row:szkoly:{school.uid}",
                    f"Szkoła „{school.name}” nie jest objęta żadnym działaniem.",
                )
            )
    if not loaded.actions:
        gaps.append(("dzialania", "dzialania", "Dodaj działania planu."))
    required = (
        ("goal_id", "cel"),
        ("responsible", "odpowiedzialny"),
        ("start_month", "początek"),
        ("end_month", "koniec"),
        ("indicator", "wskaźnik"),
        ("target", "wartość docelowa"),
    )
    for action in loaded.actions:
        lacking = [label for name, label in required if not getattr(action, name)]
        if lacking:
            gaps.append(
                (
                    "dzialania",
                    f"row:dzialania:{action.uid}",
                    f"Działanie „{action.title[:60]}”: brak — {', '.join(lacking)}.",
                )
            )
    measured = {m.action_id for m in loaded.measurements}
    for action in loaded.actions:
        if action.indicator != "" and action.id not in measured:
            gaps.append(
                (
                    "monitoring",
                    "pomiary",
                    f"Wskaźnik działania „{action.title[:60]}” nie ma planu pomiaru.",
                )
            )
    return gaps


def _measurement_gaps(loaded):
    """A measurement plan says who measures, when and how: one gap per row that does not."""
    required = (("who", "kto mierzy"), ("timing", "kiedy"), ("how", "jak"))
    titles = {a.id: a.title for a in loaded.actions}
    gaps = []
    for row in loaded.measurements:
        if row.action_id not in titles:
            continue
        # SQL's TRIM, which decided this before: spaces only
        if not any(getattr(row, name).strip(" ") == "" for name, _label in required):
            continue
        lacking = [label for name, label in required if not getattr(row, name).strip()]
        gaps.append(
            (
                "monitoring",
                f"row:pomiary:{row.uid}",
                f"Pomiar wskaźnika działania „{titles[row.action_id][:60]}”: brak — "
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
