"""The plans blueprint and what all its pages share: loading the plan, checking the step
and the row kind."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from services import plan_status, plans, policy

from ..common import load_jst

bp = Blueprint("plans", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []

STEP_SLUGS = [slug for slug, _title in plans.STEPS]
PENDING_COOKIE = "planjst_niezapisane"
READ_ONLY = "Plan ma status „{}” — zespół nie może go teraz zmieniać."


@bp.app_template_global()
def plan_status_of(jst):
    """The team's status block on home and /jst/<id> (plans/_status.html)."""
    return plan_status.plan_status(plans.get_plan(jst))


@bp.record
def _configure(state):
    plans.saving.HOLD_SAVE_FILE = state.app.config.get("TEST_HOLD_SAVE_FILE") or None


def load_plan(jst_id, action="plan.view"):
    jst = load_jst(jst_id, action)
    return jst, plans.get_plan(jst)


def _step_or_404(step):
    if step not in STEP_SLUGS:
        abort(404)
    return step


def _kind_or_404(step, kind):
    spec = plans.ROW_KINDS.get(kind)
    if spec is None or spec.step != step:
        abort(404)
    return spec


def _can_edit(jst, plan):
    return policy.can(current_user, "plan.edit", jst) and plan.status in plans.EDITABLE


def _read_only(jst, step, plan=None, anchor=""):
    """The plan is submitted or accepted, perhaps since the form was opened: say so on the step's
    page. `plan`: as loaded for this request; without it, read afresh (a save was refused)."""
    if plan is None:
        plan = plans.get_plan(jst)
    flash(READ_ONLY.format(plan.status_label), "warning")
    return redirect(url_for(".step", jst_id=jst.id, step=step) + anchor)
