"""The plan as plain values (what documents print and versions freeze), and its versions."""

import json

from lib.formatting import money_pl
from models import User
from models.plans import STATUS_LABELS, PlanVersion

from .. import jsts, plan_rows
from .queries import _goal_numbers_of
from .steps import AREA_LABELS, SCHOOL_KIND_LABELS, TEXT_LABELS


def plan_content(plan, loaded=None):
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
    loaded: the plan's plan_rows.PlanRows (a batch loads them in bulk), read here when not given.
    """
    loaded = loaded if loaded is not None else plan_rows.load_one(plan)
    jst = loaded.jst
    saved = loaded.texts
    strategic, operational = loaded.strategic, loaded.operational
    numbers = _goal_numbers_of(strategic, operational)
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
    actions = loaded.actions
    action_by_id = {a.id: a for a in actions}
    return {
        "jst": {
            name: getattr(jst, name) or ""
            for name in ("name", "kind", "teryt", "nip", "regon", *jsts.PROFILE_FIELDS)
        }
        | {"kind_label": jst.kind_label, "group": jst.group_label},
        "team": [{"name": m.user.full_name, "function": m.function} for m in loaded.team],
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
            for p in loaded.partners
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
            for s in loaded.schools
        ],
        "actions": [
            {
                "uid": a.uid,
                "title": a.title,
                "goal": _goal_label(goal_by_id.get(a.goal_id), numbers),
                "goal_uid": goal_by_id[a.goal_id].uid if a.goal_id in goal_by_id else "",
                "area": a.area,
                "area_label": AREA_LABELS.get(a.area, ""),
                "schools": list(a.school_names),
                "partners": list(a.partner_names),
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
            for m in loaded.measurements
            if m.action_id in action_by_id
        ],
        "risks": [{"uid": r.uid, "risk": r.risk, "mitigation": r.mitigation} for r in loaded.risks],
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
