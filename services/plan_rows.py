"""Everything a plan prints, loaded for many plans at once: the JST, its current team, the
texts and every kind of row — a fixed number of queries per chunk of plans, however many plans
and rows there are (a batch of 1,000 plans loaded them plan by plan: ~34 queries each). What
services.plans makes of them (plan_content, missing_items) reads only these."""

from dataclasses import dataclass, field

from models import Jst, TeamMembership, User
from models.plans import (
    Action,
    ActionPartner,
    ActionSchool,
    Measurement,
    OperationalGoal,
    Partner,
    PlanText,
    Risk,
    School,
    StrategicGoal,
)

CHUNK = 200  # plans per query: well under SQLite's bound on parameters


@dataclass
class PlanRows:
    """One plan's loaded rows, each list in the wizard's order (position, id). Actions carry
    `school_ids`, `school_names` and `partner_names` (their links, in the order they were
    made)."""

    jst: Jst
    team: list = field(default_factory=list)  # [TeamMembership with .user]
    texts: dict = field(default_factory=dict)  # {field: PlanText}
    strategic: list = field(default_factory=list)
    operational: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    measurements: list = field(default_factory=list)
    risks: list = field(default_factory=list)


def load(plans):
    """{plan id: PlanRows} of the given plans (Plan rows)."""
    plans = list(plans)
    loaded = {}
    for start in range(0, len(plans), CHUNK):
        loaded.update(_load_chunk(plans[start : start + CHUNK]))
    return loaded


def load_one(plan):
    return load([plan])[plan.id]


_LISTS = (
    ("strategic", StrategicGoal),
    ("operational", OperationalGoal),
    ("partners", Partner),
    ("schools", School),
    ("measurements", Measurement),
    ("risks", Risk),
)


def _load_chunk(plans):
    ids = [plan.id for plan in plans]
    jsts = {jst.id: jst for jst in Jst.select().where(Jst.id.in_([p.jst_id for p in plans]))}
    loaded = {plan.id: PlanRows(jsts[plan.jst_id]) for plan in plans}
    by_jst = {plan.jst_id: loaded[plan.id] for plan in plans}
    for membership in (
        TeamMembership.select(TeamMembership, User)
        .join(User)
        .where(TeamMembership.jst.in_(list(by_jst)) & TeamMembership.left_at.is_null())
        .order_by(TeamMembership.id)
    ):
        by_jst[membership.jst_id].team.append(membership)
    for text in PlanText.select().where(PlanText.plan.in_(ids)):
        loaded[text.plan_id].texts[text.field] = text
    for name, model in _LISTS:
        for row in model.select().where(model.plan.in_(ids)).order_by(model.position, model.id):
            getattr(loaded[row.plan_id], name).append(row)
    actions = {}
    for action in Action.select().where(Action.plan.in_(ids)).order_by(Action.position, Action.id):
        action.school_ids, action.school_names, action.partner_names = [], [], []
        actions[action.id] = action
        loaded[action.plan_id].actions.append(action)
    for action_id, school_id, name in (
        ActionSchool.select(ActionSchool.action, School.id, School.name)
        .join(School)
        .where(School.plan.in_(ids))
        .order_by(ActionSchool.id)
        .tuples()
    ):
        actions[action_id].school_ids.append(school_id)
        actions[action_id].school_names.append(name)
    for action_id, name in (
        ActionPartner.select(ActionPartner.action, Partner.institution)
        .join(Partner)
        .where(Partner.plan.in_(ids))
        .order_by(ActionPartner.id)
        .tuples()
    ):
        actions[action_id].partner_names.append(name)
    return loaded
