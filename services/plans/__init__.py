"""The plan wizard: steps, loading and saving content without lost work, completeness, the
life cycle, versions and their comparison. Plain Python: the views only call these.

steps: the steps, their text fields and kinds of rows; queries: loading; saving: texts, the JST
profile and rows, without lost work; editing: one row's edit page (open, save, merge a
conflict); gaps: completeness and progress; content: what documents
print and versions freeze; diff: comparing versions; demo: the fictitious demo plans, seeded by
services.demo through the plan services (this module never imports it).

The life cycle stays in this module: tests stand in a complete plan by patching
`plans.blocking`, and `transition` must see the patch (it looks the name up here)."""

import json

from models import User, library, utcnow, write_tx
from models.plans import STATUS_LABELS, PlanEvent, PlanVersion

from .. import audit
from .content import next_version_number, plan_content, version_content, versions
from .diff import FIELD_LABELS, PROFILE_LABELS, SECTIONS, compare, word_diff
from .editing import (
    CONFLICT,
    DELETED,
    SAVED,
    RowEdit,
    RowInput,
    RowOutcome,
    open_row,
    save_edit,
)
from .errors import NotEditable, ProfileRulesBroken, RowConflict, TransitionRefused
from .gaps import (
    BLOCKING_EXCEPT,
    PROFILE_BY_COORDINATOR,
    blocking,
    missing_items,
    profile_requirements,
    step_states,
)
from .queries import choices, current_team, get_plan, goal_numbers, rows, step_meta, texts
from .saving import (
    _locked,
    delete_row,
    digest,
    get_row,
    move_row,
    new_uid,
    save_profile,
    save_row,
    save_texts,
    saved_values,
    touch_step,
)
from .steps import (
    AREA_LABELS,
    COMPETENCE_AREAS,
    EDITABLE,
    ROW_KINDS,
    SCHOOL_KIND_LABELS,
    SCHOOL_KINDS,
    STEP_ROW_KINDS,
    STEP_TITLES,
    STEPS,
    TEXT_FIELDS,
    TEXT_LABELS,
    RowKind,
)

__all__ = [
    "STEPS",
    "STEP_TITLES",
    "EDITABLE",
    "TEXT_FIELDS",
    "TEXT_LABELS",
    "COMPETENCE_AREAS",
    "AREA_LABELS",
    "SCHOOL_KINDS",
    "SCHOOL_KIND_LABELS",
    "RowKind",
    "ROW_KINDS",
    "STEP_ROW_KINDS",
    "NotEditable",
    "RowConflict",
    "ProfileRulesBroken",
    "TransitionRefused",
    "get_plan",
    "texts",
    "rows",
    "step_meta",
    "choices",
    "goal_numbers",
    "current_team",
    "touch_step",
    "save_texts",
    "digest",
    "save_profile",
    "new_uid",
    "save_row",
    "RowEdit",
    "RowInput",
    "RowOutcome",
    "SAVED",
    "CONFLICT",
    "DELETED",
    "open_row",
    "save_edit",
    "saved_values",
    "get_row",
    "delete_row",
    "move_row",
    "PROFILE_BY_COORDINATOR",
    "profile_requirements",
    "missing_items",
    "BLOCKING_EXCEPT",
    "blocking",
    "step_states",
    "plan_content",
    "versions",
    "version_content",
    "next_version_number",
    "TRANSITIONS",
    "transition",
    "history",
    "SECTIONS",
    "PROFILE_LABELS",
    "FIELD_LABELS",
    "word_diff",
    "compare",
    "STATUS_LABELS",
]

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
        if target == "accepted":  # an accepted plan's actions join the library (issue 30)
            library.index_plan(fresh)
        elif fresh.status == "accepted":
            library.unindex_plan(fresh)
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
