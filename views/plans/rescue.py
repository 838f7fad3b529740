"""Input kept when the session or the form token expired on a wizard form."""

import json
import secrets
from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_login import current_user

from forms.plans import MessageForm
from models import utcnow, write_tx
from models.plans import PendingInput
from services import plans, policy

from ..hardening import same_origin
from .common import PENDING_COOKIE, STEP_SLUGS, load_plan
from .lifecycle import TRANSITION_VIEWS, render_confirmation
from .pending import key_hash
from .rows import show_row
from .steps import rerender_with

# input kept for signed-out users at most (a day's worth; beyond it, the usual error page)
PENDING_MAX = 2000

# decisions whose form carries a typed message (a return, a reopening): kept like wizard input
MESSAGE_DECISIONS = {"zwroc", "otworz"}


def rescue_input():
    """Called for a wizard POST whose CSRF token failed: the form was open too long, or the
    session expired. Signed in: show the form again with the input kept. Signed out: keep the
    input (by a random key in a cookie) and restore it on the same page after signing in.
    A decision with a message (a return, a reopening) is kept the same way, on its confirmation
    page.
    Returns None when this request is not a wizard form, or did not come from our own pages:
    a form posted by another site is neither shown nor kept (it would pre-fill the victim's
    wizard), and nothing is written to the session (its cookie would replace a valid one)."""
    if not same_origin():
        return None
    args = request.view_args or {}
    decision = request.endpoint == "plans.change_status" and args.get("word") in MESSAGE_DECISIONS
    if not decision and (
        request.endpoint not in ("plans.save_step", "plans.save_row")
        or args.get("step") not in STEP_SLUGS
    ):
        return None
    step = "podsumowanie" if decision else args["step"]
    page = request.path  # a decision's GET is its confirmation page
    if current_user.is_authenticated:
        try:
            rule = TRANSITION_VIEWS[args["word"]][1] if decision else "plan.edit"
            jst, plan = load_plan(args.get("jst_id"), rule)
        except (policy.NotFound, policy.Forbidden):
            return None
        flash(
            "Formularz był otwarty zbyt długo. Decyzji nie zapisano — uzasadnienie jest "
            "poniżej; proszę je sprawdzić i wysłać ponownie."
            if decision
            else "Formularz był otwarty zbyt długo. Zmiany nie zostały jeszcze zapisane — "
            "są poniżej; proszę je sprawdzić i zapisać ponownie.",
            "warning",
        )
        if decision:
            form = MessageForm(formdata=request.form)
            return render_confirmation(jst, plan, args["word"], form, status=400)
        if request.endpoint == "plans.save_row":
            spec = plans.ROW_KINDS.get(args.get("kind"))
            if spec is None or spec.step != args["step"]:
                return None
            edit = plans.open_row(plan, spec.slug, args.get("uid"))
            if edit is None:
                return None
            return show_row(jst, plan, args["step"], spec, edit, request.form, 400)
        return rerender_with(jst, plan, step, request.form, 400)
    data = json.dumps(list(request.form.items(multi=True)))
    if len(data) > 200_000:
        return None
    key = secrets.token_urlsafe(32)
    with write_tx():
        PendingInput.delete().where(
            PendingInput.created_at < utcnow() - timedelta(days=1)
        ).execute()
        if PendingInput.select().count() >= PENDING_MAX:  # kept for anyone who posts: bounded
            return None
        PendingInput.create(key_hash=key_hash(key), path=page, data=data)
    flash(
        "Sesja wygasła. Proszę zalogować się ponownie — niezapisane zmiany zostaną przywrócone.",
        "warning",
    )
    response = redirect(url_for("auth.login", next=page))
    response.set_cookie(
        PENDING_COOKIE, key, max_age=86400, httponly=True, samesite="Lax", secure=request.is_secure
    )
    return response
