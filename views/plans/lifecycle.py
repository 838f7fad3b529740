"""The plan's life cycle: submitting, returning, accepting and reopening it."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forms.plans import MessageForm
from services import plan_status, plans, review
from services.plans import TransitionRefused

from .common import bp, load_plan
from .pending import _pending_formdata

TRANSITION_VIEWS = {
    # url word → (service action, policy action, message shown)
    "przekaz": ("submit", "plan.submit", "Plan przekazano do opiniowania."),
    "zwroc": ("return", "plan.decide", "Plan zwrócono do poprawy."),
    "zatwierdz": ("accept", "plan.decide", "Plan zatwierdzono."),
    "otworz": ("reopen", "plan.reopen", "Plan otwarto ponownie do poprawy."),
}


NEEDS_MESSAGE = {"return", "reopen"}


@bp.get("/jst/<int:jst_id>/plan/status/<any(przekaz, zwroc, zatwierdz, otworz):word>")
@login_required
def confirm_status(jst_id, word):
    """Check before deciding: what the step sends or decides, and what it freezes."""
    _action, rule, _done = TRANSITION_VIEWS[word]
    jst, plan = load_plan(jst_id, rule)
    pending = _pending_formdata(jst, plan, "podsumowanie")  # a decision typed before sign-out
    return render_confirmation(jst, plan, word, MessageForm(formdata=pending))


def render_confirmation(jst, plan, word, form, status=200):
    action = TRANSITION_VIEWS[word][0]
    allowed, _target = plans.TRANSITIONS[action]
    gaps = plans.missing_items(plan) if action == "submit" else []
    return render_template(
        "plans/confirm_status.html",
        jst=jst,
        plan=plan,
        word=word,
        action=action,
        possible=plan.status in allowed,
        form=form,
        gaps=gaps,
        blocking=plans.blocking(gaps),
        steps=plans.STEPS,
        version=plans.next_version_number(plan),
        unresolved=plan_status.comment_links(plan),
        needs_message=action in NEEDS_MESSAGE,
    ), status


@bp.post("/jst/<int:jst_id>/plan/status/<any(przekaz, zwroc, zatwierdz, otworz):word>")
@login_required
def change_status(jst_id, word):
    action, rule, done = TRANSITION_VIEWS[word]
    jst, plan = load_plan(jst_id, rule)
    form = MessageForm()
    if not form.validate_on_submit():
        abort(400)
    possible = plan.status in plans.TRANSITIONS[action][0]
    if possible and action in NEEDS_MESSAGE and not (form.message.data or "").strip():
        form.message.errors.append(
            "Proszę podać uzasadnienie — zespół zobaczy je przy planie."
            if action == "return"
            else "Proszę podać powód ponownego otwarcia planu."
        )
        return render_confirmation(jst, plan, word, form, status=422)
    try:
        plans.transition(plan, action, current_user, form.message.data or "")
    except TransitionRefused as exc:
        flash(str(exc), "danger")
    else:
        review.on_transition(
            plan,
            action,
            current_user,
            url_for(".step", jst_id=jst.id, step="podsumowanie"),
            current_app.config,
        )
        flash(done, "success")
    return redirect(url_for(".step", jst_id=jst.id, step="podsumowanie"))
