"""The rows of a step: adding, editing, deleting and moving one."""

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.plans import empty_choice, merge_row_conflict, row_form, row_values, saved_row_form
from forms.review import CommentForm
from services import plans, policy, review
from services.plans import NotEditable, RowConflict

from .. import chrome
from .common import _can_edit, _kind_or_404, _load, _read_only, _step_or_404, bp
from .pending import _pending_formdata


def _render_row(
    jst, plan, step, spec, form, row, status=200, conflict=None, saved_form=None, deleted=False
):
    return render_template(
        "plans/row.html",
        jst=jst,
        plan=plan,
        step=step,
        title=plans.STEP_TITLES[step],
        spec=spec,
        form=form,
        row=row,
        conflict=conflict,
        saved_form=saved_form,
        deleted=deleted,
        editable=_can_edit(jst, plan),
        labels=plans,
        empty_choice=empty_choice,
        threads=[t for t in review.threads(plan).get(step, []) if row and t.row_uid == row.uid],
        comment_form=CommentForm(formdata=None),
        can_comment=policy.can(current_user, "review.comment", jst),
        can_reply=policy.can(current_user, "review.reply", jst),
        form_empty=chrome.TOKEN,  # a token, no form
    ), status


@bp.route("/jst/<int:jst_id>/plan/<step>/<kind>/<uid>", methods=["GET", "POST"])
@login_required
def row(jst_id, step, kind, uid):
    jst, plan = _load(jst_id, "plan.view" if request.method == "GET" else "plan.edit")
    spec = _kind_or_404(_step_or_404(step), kind)
    existing = None if uid == "nowy" else plans.get_row(plan, kind, uid)
    # a uid this plan does not have: deleted meanwhile — or another plan's, answered the same
    # way (nothing of that row is read or shown), so a probe learns nothing
    deleted = uid != "nowy" and existing is None
    if deleted and not re.fullmatch(r"[0-9a-f]{32}", uid):
        abort(404)
    choices = plans.choices(plan)
    form = row_form(kind, choices, existing)
    if request.method == "GET":
        pending = _pending_formdata(jst, plan, step)
        if deleted:
            if pending is None:
                abort(404)
            # input kept when the session expired, for a row deleted meanwhile: add it as new
            form = row_form(kind, choices, formdata=pending)
            return _deleted_meanwhile(jst, plan, step, spec, form, status=200)
        if pending is not None:
            form = row_form(kind, choices, existing, formdata=pending)
        elif existing is None:
            form.uid.data = plans.new_uid()  # the same uid on a double click: created once
        return _render_row(jst, plan, step, spec, form, existing)
    if plan.status not in plans.EDITABLE:
        return _read_only(jst, step, plan)
    if deleted:
        return _deleted_meanwhile(jst, plan, step, spec, form)
    if not form.validate_on_submit():
        return _render_row(jst, plan, step, spec, form, existing, 422)
    row_uid = existing.uid if existing else form.uid.data
    if not re.fullmatch(r"[0-9a-f]{32}", row_uid or ""):
        row_uid = plans.new_uid()
    values, links = row_values(kind, form)
    try:
        plans.save_row(plan, kind, row_uid, values, form.started_from, current_user, links)
    except RowConflict as exc:
        if exc.current is None:
            return _deleted_meanwhile(jst, plan, step, spec, form)
        saved_form = saved_row_form(kind, choices, exc.current)
        if merge_row_conflict(kind, form, saved_form, exc.current):
            return _render_row(
                jst, plan, step, spec, form, exc.current, 409, exc.current, saved_form
            )
        # the user changed nothing: the row as saved now is what they want
    except NotEditable:
        return _read_only(jst, step)
    except ValueError:
        abort(400)  # a reference to another plan's row: not something the form offers
    flash(f"Zapisano: {spec.singular}.", "success")
    return redirect(url_for(".step", jst_id=jst.id, step=step) + f"#{kind}")


def _deleted_meanwhile(jst, plan, step, spec, form, status=409):
    """Someone deleted the row this user was editing: their input stays in the form, which now
    adds it as a new row (a new uid: the deleted one stays deleted)."""
    form.uid.data, form.version.data, form.opened.data = plans.new_uid(), "", ""
    return _render_row(jst, plan, step, spec, form, None, status, deleted=True)


@bp.route("/jst/<int:jst_id>/plan/<step>/<kind>/<uid>/usun", methods=["GET", "POST"])
@login_required
def row_delete(jst_id, step, kind, uid):
    jst, plan = _load(jst_id, "plan.edit")
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
    jst, plan = _load(jst_id, "plan.edit")
    _kind_or_404(_step_or_404(step), kind)
    direction = -1 if request.form.get("kierunek") == "gora" else 1
    try:
        plans.move_row(plan, kind, uid, direction, current_user)
    except NotEditable:
        return _read_only(jst, step, anchor=f"#{kind}")
    return redirect(url_for(".step", jst_id=jst.id, step=step) + f"#{kind}")
