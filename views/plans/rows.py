"""The rows of a step: adding, editing, deleting and moving one."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.plans import empty_choice, row_form, row_input, show_outcome
from forms.review import CommentForm
from services import plans, policy, review
from services.plans import NotEditable

from .. import chrome
from .common import _can_edit, _kind_or_404, _read_only, _step_or_404, bp, load_plan
from .pending import _pending_formdata

ROW = "/jst/<int:jst_id>/plan/<step>/<kind>/<uid>"


@bp.get(ROW)
@login_required
def row(jst_id, step, kind, uid):
    jst, plan = load_plan(jst_id, "plan.view")
    spec = _kind_or_404(_step_or_404(step), kind)
    edit = plans.open_row(plan, kind, uid) or abort(404)
    pending = _pending_formdata(jst, plan, step)
    if edit.deleted and pending is None:
        abort(404)
    # pending: input kept when the session expired (for a row deleted meanwhile: added as new)
    return show_row(jst, plan, step, spec, edit, pending)


@bp.post(ROW)
@login_required
def save_row(jst_id, step, kind, uid):
    jst, plan = load_plan(jst_id, "plan.edit")
    spec = _kind_or_404(_step_or_404(step), kind)
    edit = plans.open_row(plan, kind, uid) or abort(404)
    if plan.status not in plans.EDITABLE:
        return _read_only(jst, step, plan)
    choices = plans.choices(plan)
    form = row_form(edit, choices)
    if edit.deleted:  # the input, unchecked, offered as a new row
        return _render_row(jst, plan, step, spec, form, edit, 409)
    if not form.validate_on_submit():
        return _render_row(jst, plan, step, spec, form, edit, 422)
    try:
        outcome = plans.save_edit(plan, edit, row_input(form), current_user)
    except NotEditable:
        return _read_only(jst, step)
    except ValueError:
        abort(400)  # a reference to another plan's row: not something the form offers
    if outcome.result == plans.SAVED:
        flash(f"Zapisano: {spec.singular}.", "success")
        return redirect(url_for(".step", jst_id=jst.id, step=step) + f"#{kind}")
    saved_form = show_outcome(form, outcome, choices)
    return _render_row(jst, plan, step, spec, form, outcome.edit, 409, saved_form)


def show_row(jst, plan, step, spec, edit, formdata=None, status=200):
    """The page of the row `edit` (plans.open_row) opened: the saved row, or `formdata` (input
    kept when the session or the form's token expired)."""
    form = row_form(edit, plans.choices(plan), formdata)
    return _render_row(jst, plan, step, spec, form, edit, status)


def _render_row(jst, plan, step, spec, form, edit, status=200, saved_form=None):
    row = edit.row
    return render_template(
        "plans/row.html",
        jst=jst,
        plan=plan,
        step=step,
        title=plans.STEP_TITLES[step],
        spec=spec,
        form=form,
        row=row,
        conflict=row if saved_form is not None else None,
        saved_form=saved_form,
        deleted=edit.deleted,
        editable=_can_edit(jst, plan),
        labels=plans,
        empty_choice=empty_choice,
        threads=[t for t in review.threads(plan).get(step, []) if row and t.row_uid == row.uid],
        comment_form=CommentForm(formdata=None),
        can_comment=policy.can(current_user, "review.comment", jst),
        can_reply=policy.can(current_user, "review.reply", jst),
        form_empty=chrome.TOKEN,  # a token, no form
    ), status


@bp.route("/jst/<int:jst_id>/plan/<step>/<kind>/<uid>/usun", methods=["GET", "POST"])
@login_required
def row_delete(jst_id, step, kind, uid):
    jst, plan = load_plan(jst_id, "plan.edit")
    spec = _kind_or_404(_step_or_404(step), kind)
    existing = plans.get_row(plan, kind, uid) or abort(404)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            plans.delete_row(plan, kind, uid, current_user)
        except NotEditable:
            return _read_only(jst, step, anchor=f"#{kind}")
        flash(f"Usunięto: {spec.singular}.", "success")
        return redirect(url_for(".step", jst_id=jst.id, step=step) + f"#{kind}")
    return render_template(
        "plans/row_delete.html",
        jst=jst,
        plan=plan,
        step=step,
        spec=spec,
        row=existing,
        form=form,
        title=plans.STEP_TITLES[step],
        summary=_row_summary(kind, existing),
    )


def _row_summary(kind, row):
    for name in ("title", "institution", "name", "risk", "who"):
        if hasattr(row, name) and getattr(row, name):
            return getattr(row, name)
    return ""


@bp.post("/jst/<int:jst_id>/plan/<step>/<kind>/<uid>/przesun")
@login_required
def row_move(jst_id, step, kind, uid):
    jst, plan = load_plan(jst_id, "plan.edit")
    _kind_or_404(_step_or_404(step), kind)
    direction = -1 if request.form.get("kierunek") == "gora" else 1
    try:
        plans.move_row(plan, kind, uid, direction, current_user)
    except NotEditable:
        return _read_only(jst, step, anchor=f"#{kind}")
    return redirect(url_for(".step", jst_id=jst.id, step=step) + f"#{kind}")
