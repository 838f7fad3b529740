"""The wizard's step pages: texts and the JST profile, saved without lost work."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.plans import (
    ProfileStepForm,
    changed_meanwhile,
    opened_profile_form,
    show_merged_profile,
    submitted_profile,
    submitted_texts,
    text_digest,
    text_form_class,
)
from forms.review import CommentForm
from forms.suggestions import AcceptForm
from models import Jst
from services import plan_status, plans, policy, review, suggestions
from services.plans import NotEditable, ProfileRulesBroken

from ..common import client_address
from .common import STEP_SLUGS, _can_edit, _read_only, _step_or_404, bp, load_plan
from .pending import _pending_formdata


def _render_step(
    jst,
    plan,
    step,
    text_form=None,
    profile_form=None,
    conflicts=(),
    saved_some=False,
    status=200,
    rule_errors=(),
):
    editable = _can_edit(jst, plan)
    saved = plans.texts(plan)
    if step in plans.TEXT_FIELDS and text_form is None:
        text_form = text_form_class(step)(formdata=None)
        for field, _label in plans.TEXT_FIELDS[step]:
            text_form[field].data = saved[field].value if field in saved else ""
            text_form[f"v_{field}"].data = saved[field].version if field in saved else 0
            text_form[f"o_{field}"].data = text_digest(text_form[field].data)
    if step == "jst" and profile_form is None:
        profile_form = opened_profile_form(jst)
    gaps = plans.missing_items(plan)
    states = plans.step_states(plan, gaps)
    index = STEP_SLUGS.index(step)
    step_threads, row_threads = _split_threads(review.threads(plan).get(step, []))
    context = {
        "jst": jst,
        "plan": plan,
        "step": step,
        "title": plans.STEP_TITLES[step],
        "number": index + 1,
        "steps": plans.STEPS,
        "next_step": STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None,
        "states": states,
        "tasks": plan_status.task_list(plan, states),
        "meta": plans.step_meta(plan).get(step),
        "editable": editable,
        "text_form": text_form,
        "profile_form": profile_form,
        "conflicts": conflicts,
        "saved_some": saved_some,
        "rule_errors": rule_errors,
        "row_kinds": plans.STEP_ROW_KINDS.get(step, []),
        "rows": {
            k.slug: plans.rows(plan, k.slug, links=False)
            for k in plans.STEP_ROW_KINDS.get(step, [])
        },
        "saved_texts": saved,
        "labels": plans,
        "gaps": gaps,
        "step_gaps": [gap for gap in gaps if gap[0] == step],
        "blocking": plans.blocking(gaps),
        "history": _history(plan) if step == "podsumowanie" else [],
        "team": plans.current_team(jst) if step == "jst" else [],
        "required_profile": plans.profile_requirements(jst) if step == "jst" else None,
        "form": EmptyForm(),
        "can_submit": policy.can(current_user, "plan.submit", jst),
        "can_decide": policy.can(current_user, "plan.decide", jst),
        "can_reopen": policy.can(current_user, "plan.reopen", jst),
        "threads": step_threads,
        "row_threads": row_threads,
        "unresolved": review.unresolved_counts(plan),
        "comment_links": plan_status.comment_links(plan),
        "decision": review.last_decision(plan),
        "comment_form": CommentForm(formdata=None),
        "can_comment": policy.can(current_user, "review.comment", jst),
        "can_reply": policy.can(current_user, "review.reply", jst),
        **_suggestions(jst, plan, step),
    }
    if step == "dzialania":
        context["goal_numbers"] = plans.goal_numbers(plan)
    if step == "monitoring":
        context["action_titles"] = {a_id: title for a_id, title in plans.choices(plan)["action"]}
    return render_template("plans/step.html", **context), status


def _suggestions(jst, plan, step):
    """The expert's open suggestions beside their fields and rows, and who may do what with
    them (issue 30.2)."""
    return {
        "suggested": suggestions.open_by_target(plan, step),
        "suggestions_open": suggestions.open_list(plan),
        "can_propose": policy.can(current_user, "suggestion.propose", jst)
        and plan.status in suggestions.PROPOSABLE,
        "can_decide_suggestions": policy.can(current_user, "suggestion.decide", jst),
        "suggestion_rows": suggestions.ROW_FIELDS,
        "suggestion_statuses": suggestions.STATUS_LABELS,
        "accept_form": AcceptForm(formdata=None),
    }


def _history(plan):
    """The plan's history: its life cycle's events and the decided suggestions, in time order;
    [(time, event or None, suggestion or None)]."""
    events = [(e.at, e, None) for e in plans.history(plan)]
    decided = [(s.decided_at, None, s) for s in suggestions.decided(plan)]
    return sorted(events + decided, key=lambda entry: entry[0])


def _split_threads(threads):
    """(threads about the step, {row kind: {row uid: threads}}): a row's comments are shown
    beside that row; those about a deleted row stay with the step's."""
    about_step, about_rows = [], {}
    for thread in threads:
        if thread.row_uid and not thread.removed:
            about_rows.setdefault(thread.row_kind, {}).setdefault(thread.row_uid, []).append(thread)
        else:
            about_step.append(thread)
    return about_step, about_rows


@bp.get("/jst/<int:jst_id>/plan")
@login_required
def plan_start(jst_id):
    jst, plan = load_plan(jst_id)
    states = plans.step_states(plan)
    first_open = next((s for s in STEP_SLUGS if states[s] != "complete"), "podsumowanie")
    return redirect(url_for(".step", jst_id=jst.id, step=first_open))


@bp.get("/jst/<int:jst_id>/plan/<step>")
@login_required
def step(jst_id, step):
    jst, plan = load_plan(jst_id)
    _step_or_404(step)
    pending = _pending_formdata(jst, plan, step)
    if pending is not None:
        return rerender_with(jst, plan, step, pending)
    return _render_step(jst, plan, step)


@bp.post("/jst/<int:jst_id>/plan/<step>")
@login_required
def save_step(jst_id, step):
    jst, plan = load_plan(jst_id, "plan.edit")
    _step_or_404(step)
    if plan.status not in plans.EDITABLE:
        return _read_only(jst, step, plan)
    if step == "jst":
        return _save_profile(jst, plan)
    if step not in plans.TEXT_FIELDS:
        abort(405)
    form = text_form_class(step)()
    if not form.validate_on_submit():
        return _render_step(jst, plan, step, text_form=form, status=422)
    submitted = submitted_texts(form, step)
    try:
        conflicts = plans.save_texts(plan, step, submitted, current_user)
    except NotEditable:
        return _read_only(jst, step)
    if conflicts:
        saved = plans.texts(plan)
        for field, _label, _value in conflicts:
            form[f"v_{field}"].data = saved[field].version  # saving again is a deliberate merge
        saved_some = bool(set(submitted) - {field for field, _l, _v in conflicts})
        return _render_step(
            jst, plan, step, text_form=form, conflicts=conflicts, saved_some=saved_some, status=409
        )
    return _after_save(jst, step)


def _after_save(jst, step):
    flash("Zapisano wersję roboczą.", "success")
    if request.form.get("idz") in STEP_SLUGS:  # a step of the task list: save, then go there
        return redirect(url_for(".step", jst_id=jst.id, step=request.form["idz"]))
    if request.form.get("dalej"):
        index = STEP_SLUGS.index(step)
        return redirect(url_for(".step", jst_id=jst.id, step=STEP_SLUGS[index + 1]))
    return redirect(url_for(".step", jst_id=jst.id, step=step))


def _save_profile(jst, plan):
    """The profile merges field by field, as the text steps do: only the fields the user
    changed are saved, and only those someone else changed meanwhile are conflicts."""
    form = ProfileStepForm()
    if not (form.validate_on_submit() and form.rule_errors(jst.kind)):
        return _render_step(jst, plan, "jst", profile_form=form, status=422)
    submitted = submitted_profile(form)
    try:
        saved, conflicts = plans.save_profile(
            plan, jst, submitted, _int(form.version.data), current_user, client_address()
        )
    except NotEditable:
        return _read_only(jst, "jst")
    except ProfileRulesBroken as exc:
        return _profile_rules_broken(plan, form, submitted, exc.errors)
    if conflicts:
        fresh = Jst.get_by_id(jst.id)
        show_merged_profile(form, fresh, conflicts)
        labelled = [(name, form[name].label.text, value) for name, value in conflicts]
        return _render_step(
            fresh,
            plan,
            "jst",
            profile_form=form,
            conflicts=labelled,
            saved_some=bool(saved),
            status=409,
        )
    return _after_save(jst, "jst")


def _profile_rules_broken(plan, form, submitted, errors):
    """The user's changes with someone else's newer ones would break the profile rules: nothing
    was saved; the form keeps the user's changes beside the others', the rule's message at its
    field, and the other person's changes are listed."""
    fresh = Jst.get_by_id(plan.jst_id)
    others = changed_meanwhile(form, fresh)
    show_merged_profile(form, fresh, [(name, None) for name in submitted])
    for name, message in errors.items():
        form[name].errors.append(message)
    labelled = [(name, form[name].label.text, value) for name, value in others]
    return _render_step(
        fresh,
        plan,
        "jst",
        profile_form=form,
        conflicts=labelled,
        rule_errors=list(errors.values()),
        status=409,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def rerender_with(jst, plan, step, formdata, status=200):
    if step == "jst":
        return _render_step(
            jst, plan, step, profile_form=ProfileStepForm(formdata=formdata), status=status
        )
    if step in plans.TEXT_FIELDS:
        form = text_form_class(step)(formdata=formdata)
        return _render_step(jst, plan, step, text_form=form, status=status)
    return _render_step(jst, plan, step)
