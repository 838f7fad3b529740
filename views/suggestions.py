"""Views of the expert's suggestions (issue 30.2): proposing new text for a field or a row,
the plan's list of suggestions, one suggestion (with a conflict), accepting and rejecting."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.suggestions import (
    AcceptForm,
    RejectForm,
    opened_propose_form,
    propose_form_class,
    proposed_changes,
)
from services import plans, policy, suggestions
from services.plans import NotEditable
from services.suggestions import NotProposable

from .common import load_jst

bp = Blueprint("suggestions", __name__)

BASE = "/jst/<int:jst_id>/plan/propozycje"
NOT_EDITABLE = (
    "Propozycję można przyjąć, gdy plan jest w edycji — po zwróceniu go do poprawy. "
    "Odrzucić ją można od razu."
)


def _load(jst_id, action):
    jst = load_jst(jst_id, action)
    return jst, plans.get_plan(jst)


def _load_suggestion(jst_id, suggestion_id, action):
    jst, plan = _load(jst_id, action)
    return jst, plan, suggestions.get(plan, suggestion_id) or abort(404)


def _back(jst, suggestion):
    """Where a decision returns to: the page it was made on (this plan's), or the step."""
    target = request.form.get("next", "")
    if target.startswith(f"/jst/{jst.id}/plan") and "//" not in target and "\\" not in target:
        return target
    return url_for("plans.step", jst_id=jst.id, step=suggestion.step)


def _step_url(jst, suggestion):
    return url_for("plans.step", jst_id=jst.id, step=suggestion.step)


def _detail_url(jst, suggestion):
    return url_for(".detail", jst_id=jst.id, suggestion_id=suggestion.id)


@bp.get(BASE)
@login_required
def index(jst_id):
    jst, plan = _load(jst_id, "suggestion.view")
    return render_template(
        "suggestions/list.html",
        jst=jst,
        plan=plan,
        items=suggestions.for_plan(plan),
        **_deciding(jst, plan),
    )


def _deciding(jst, plan):
    return {
        "can_decide": policy.can(current_user, "suggestion.decide", jst),
        "editable": plan.status in plans.EDITABLE,
        "accept_form": AcceptForm(formdata=None),
        "reject_form": RejectForm(formdata=None),
        "statuses": suggestions.STATUS_LABELS,
        "step_titles": plans.STEP_TITLES,
    }


@bp.get(f"{BASE}/<int:suggestion_id>")
@login_required
def detail(jst_id, suggestion_id):
    jst, plan, suggestion = _load_suggestion(jst_id, suggestion_id, "suggestion.view")
    return _render_detail(jst, plan, suggestion)


def _render_detail(jst, plan, suggestion, status=200, reject_form=None, conflict=None, gone=False):
    """One suggestion; `conflict`: the text saved now, when it is not the one the team was
    shown; `gone`: its row was deleted."""
    suggestions.with_diff([suggestion])
    context = _deciding(jst, plan)
    if reject_form is not None:
        context["reject_form"] = reject_form
    over = suggestion.base_text if conflict is None else conflict
    context["accept_form"] = AcceptForm(formdata=None, na=plans.digest(over))
    return render_template(
        "suggestions/detail.html",
        jst=jst,
        plan=plan,
        s=suggestion,
        conflict=conflict,
        conflict_diff=None if conflict is None else plans.word_diff(conflict, suggestion.proposed),
        gone=gone,
        edit_url=_edit_url(jst, suggestion),
        step_title=plans.STEP_TITLES[suggestion.step],
        **context,
    ), status


def _edit_url(jst, suggestion):
    if suggestion.row_kind:
        return url_for(
            "plans.row",
            jst_id=jst.id,
            step=suggestion.step,
            kind=suggestion.row_kind,
            uid=suggestion.row_uid,
        )
    return url_for("plans.step", jst_id=jst.id, step=suggestion.step) + f"#{suggestion.field}"


@bp.route(f"{BASE}/nowa/<field>", methods=["GET", "POST"])
@login_required
def propose_text(jst_id, field):
    jst, plan = _load(jst_id, "suggestion.propose")
    where = suggestions.target(plan, "", "", field) or abort(404)
    return _propose(jst, plan, where)


@bp.route(f"{BASE}/nowa/<kind>/<uid>", methods=["GET", "POST"])
@login_required
def propose_row(jst_id, kind, uid):
    jst, plan = _load(jst_id, "suggestion.propose")
    where = suggestions.target(plan, kind, uid) or abort(404)
    return _propose(jst, plan, where)


def _propose(jst, plan, where):
    back = (
        url_for("plans.step", jst_id=jst.id, step=where.step)
        + f"#{where.kind or where.fields[0][0]}"
    )
    if plan.status not in suggestions.PROPOSABLE:
        flash(
            "Zmiany można proponować w planie przekazanym do opiniowania lub do poprawy.", "warning"
        )
        return redirect(back)
    if request.method == "GET":
        return _render_propose(jst, plan, where, opened_propose_form(where))
    form = propose_form_class(where)()
    if not form.validate_on_submit():
        return _render_propose(jst, plan, where, form, 422)
    proposed, shown, ok = proposed_changes(form, where)
    if not ok:
        return _render_propose(jst, plan, where, form, 422)
    if not proposed:
        form.reason.errors.append("Proszę zmienić tekst co najmniej jednego pola.")
        return _render_propose(jst, plan, where, form, 422)
    try:
        created, stale = suggestions.propose(
            plan,
            where,
            proposed,
            shown,
            form.reason.data,
            current_user,
            url_for("plans.step", jst_id=jst.id, step=where.step),
            current_app.config,
        )
    except NotProposable:
        flash("Plan zmienił status — zmian nie można teraz proponować.", "warning")
        return redirect(back)
    if stale:
        fresh = suggestions.target(plan, where.kind, where.uid, where.fields[0][0])
        if fresh is None:
            flash("Tę pozycję usunięto w międzyczasie — propozycji nie zapisano.", "warning")
            return redirect(url_for("plans.step", jst_id=jst.id, step=where.step))
        for name, _label, _max, text in fresh.fields:
            form[f"o_{name}"].data = plans.digest(text)
        return _render_propose(jst, plan, fresh, form, 409, stale=stale)
    flash("Zapisano propozycję zmiany — zespół zobaczy ją przy polu, którego dotyczy.", "success")
    return redirect(
        url_for("plans.step", jst_id=jst.id, step=where.step) + f"#suggestion-{created[0].id}"
    )


def _render_propose(jst, plan, where, form, status=200, stale=()):
    return render_template(
        "suggestions/propose.html",
        jst=jst,
        plan=plan,
        where=where,
        form=form,
        stale=[(label, text) for name, label, _max, text in where.fields if name in stale],
        title=plans.STEP_TITLES[where.step],
    ), status


@bp.post(f"{BASE}/<int:suggestion_id>/przyjmij")
@login_required
def accept(jst_id, suggestion_id):
    jst, plan, suggestion = _load_suggestion(jst_id, suggestion_id, "suggestion.decide")
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decision = suggestions.accept(
            plan,
            suggestion.id,
            form.na.data or "",
            current_user,
            _detail_url(jst, suggestion),
            current_app.config,
        )
    except NotEditable:
        flash(NOT_EDITABLE, "warning")
        return redirect(_detail_url(jst, suggestion))
    if decision.result == suggestions.CONFLICT:
        return _render_detail(jst, plan, decision.suggestion, 409, conflict=decision.current)
    if decision.result == suggestions.GONE:
        return _render_detail(jst, plan, decision.suggestion, 409, gone=True)
    if decision.result == suggestions.ALREADY:
        flash(_already(decision.suggestion), "info")
    else:
        flash(f"Przyjęto propozycję i zapisano nowy tekst: {suggestion.label}.", "success")
    return redirect(_back(jst, suggestion))


def _already(suggestion):
    return f"Tę propozycję już rozpatrzono: {suggestions.STATUS_LABELS[suggestion.status]}."


@bp.post(f"{BASE}/<int:suggestion_id>/odrzuc")
@login_required
def reject(jst_id, suggestion_id):
    jst, plan, suggestion = _load_suggestion(jst_id, suggestion_id, "suggestion.decide")
    form = RejectForm()
    if not form.validate_on_submit():
        return _render_detail(jst, plan, suggestion, 422, reject_form=form)
    decision = suggestions.reject(
        plan,
        suggestion.id,
        form.reply.data,
        current_user,
        _detail_url(jst, suggestion),
        current_app.config,
    )
    if decision.result == suggestions.ALREADY:
        flash(_already(decision.suggestion), "info")
    else:
        flash(f"Odrzucono propozycję: {suggestion.label}. Ekspert dostanie odpowiedź.", "success")
    return redirect(_back(jst, suggestion))
