"""Loading a plan and its content: a fixed number of queries each."""

from peewee import IntegrityError, fn, prefetch

from models import TeamMembership, User, write_tx
from models.plans import (
    Action,
    ActionPartner,
    ActionSchool,
    OperationalGoal,
    Partner,
    Plan,
    PlanStep,
    PlanText,
    School,
    StrategicGoal,
)

from .steps import ROW_KINDS


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
    strategic = rows(plan, "cele-strategiczne")
    numbered = goal_numbers(plan)
    return {
        # the goal's own words: "1. cel strategiczny" alone told nobody which goal it was
        "strategic_goal": [(g.id, f"{n}. {g.title[:80]}") for n, g in enumerate(strategic, 1)],
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
    strategic = StrategicGoal.select().where(StrategicGoal.plan == plan)
    operational = OperationalGoal.select().where(OperationalGoal.plan == plan)
    return _goal_numbers_of(
        strategic.order_by(StrategicGoal.position, StrategicGoal.id),
        operational.order_by(OperationalGoal.position, OperationalGoal.id),
    )


def _goal_numbers_of(strategic, operational):
    """goal_numbers of the plan's goals, each in the wizard's order."""
    numbers, by_id = {}, {}
    for n, goal in enumerate(strategic, start=1):
        by_id[goal.id] = [n, 0]
    for goal in operational:
        entry = by_id.get(goal.strategic_goal_id)
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
