"""Views of the plan wizard (issue 5): steps, rows, submission and the life cycle, versions."""

import hashlib
import json
import re
import secrets
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from forms.auth import EmptyForm
from forms.plans import (
    MessageForm,
    ProfileStepForm,
    changed_meanwhile,
    empty_choice,
    merge_row_conflict,
    opened_profile_form,
    row_form,
    row_values,
    saved_row_form,
    show_merged_profile,
    submitted_profile,
    submitted_texts,
    text_digest,
    text_form_class,
)
from forms.review import CommentForm
from models import Jst, db_int, utcnow, write_tx
from models.plans import PendingInput
from services import plan_status, plans, policy, review
from services.plans import NotEditable, ProfileRulesBroken, RowConflict, TransitionRefused

from .auth import client_address
from .hardening import same_origin
from .jst import load_jst

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
    plans.HOLD_SAVE_FILE = state.app.config.get("TEST_HOLD_SAVE_FILE") or None


def _load(jst_id, action="plan.view"):
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
        "history": plans.history(plan) if step == "podsumowanie" else [],
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
    }
    if step == "dzialania":
        context["goal_numbers"] = plans.goal_numbers(plan)
    if step == "monitoring":
        context["action_titles"] = {a_id: title for a_id, title in plans.choices(plan)["action"]}
    return render_template("plans/step.html", **context), status


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
    jst, plan = _load(jst_id)
    states = plans.step_states(plan)
    first_open = next((s for s in STEP_SLUGS if states[s] != "complete"), "podsumowanie")
    return redirect(url_for(".step", jst_id=jst.id, step=first_open))


@bp.get("/jst/<int:jst_id>/plan/<step>")
@login_required
def step(jst_id, step):
    jst, plan = _load(jst_id)
    _step_or_404(step)
    pending = _pending_formdata(jst, plan, step)
    if pending is not None:
        return _rerender_with(jst, plan, step, pending)
    return _render_step(jst, plan, step)


@bp.post("/jst/<int:jst_id>/plan/<step>")
@login_required
def save_step(jst_id, step):
    jst, plan = _load(jst_id, "plan.edit")
    _step_or_404(step)
    if plan.status not in plans.EDITABLE:
        flash(READ_ONLY.format(plan.status_label), "warning")
        return redirect(url_for(".step", jst_id=jst.id, step=step))
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
        flash(READ_ONLY.format(plans.get_plan(jst).status_label), "warning")
        return redirect(url_for(".step", jst_id=jst.id, step=step))
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
        flash(READ_ONLY.format(plans.get_plan(jst).status_label), "warning")
        return redirect(url_for(".step", jst_id=jst.id, step="jst"))
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


# ---------- rows ----------


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
        form_empty=EmptyForm(),
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
        flash(READ_ONLY.format(plan.status_label), "warning")
        return redirect(url_for(".step", jst_id=jst.id, step=step))
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
        flash(READ_ONLY.format(plans.get_plan(jst).status_label), "warning")
        return redirect(url_for(".step", jst_id=jst.id, step=step))
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
            flash(READ_ONLY.format(plans.get_plan(jst).status_label), "warning")
        else:
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
        flash(READ_ONLY.format(plans.get_plan(jst).status_label), "warning")
    return redirect(url_for(".step", jst_id=jst.id, step=step) + f"#{kind}")


# ---------- life cycle ----------

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
    jst, plan = _load(jst_id, rule)
    pending = _pending_formdata(jst, plan, "podsumowanie")  # a decision typed before sign-out
    return _render_confirmation(jst, plan, word, MessageForm(formdata=pending))


def _render_confirmation(jst, plan, word, form, status=200):
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
    jst, plan = _load(jst_id, rule)
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
        return _render_confirmation(jst, plan, word, form, status=422)
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


# ---------- versions ----------


@bp.get("/jst/<int:jst_id>/plan/wersje")
@login_required
def versions(jst_id):
    jst, plan = _load(jst_id)
    return render_template(
        "plans/versions.html",
        jst=jst,
        plan=plan,
        versions=plans.versions(plan),
        draft=plan.status in plans.EDITABLE,  # submitted or accepted: the last version is all
    )


@bp.get("/jst/<int:jst_id>/plan/porownaj")
@login_required
def compare(jst_id):
    jst, plan = _load(jst_id)
    numbers = [v.number for v in plans.versions(plan)]
    a = request.args.get("a", type=db_int)
    b = request.args.get("b", type=db_int)
    # the draft (the next version) while the team may edit; else the last version is all there is
    draft = plans.next_version_number(plan) if plan.status in plans.EDITABLE else None

    def content(number):
        if draft is not None and number == draft:
            return plans.plan_content(plan)
        return plans.version_content(plan, number)

    if a is None or b is None or content(a) is None or content(b) is None:
        return render_template(
            "plans/compare.html",
            jst=jst,
            plan=plan,
            numbers=numbers,
            draft=draft,
            a=a,
            b=b,
            sections=None,
        ), (200 if a is None and b is None else 404)
    return render_template(
        "plans/compare.html",
        jst=jst,
        plan=plan,
        numbers=numbers,
        draft=draft,
        a=a,
        b=b,
        sections=plans.compare(content(a), content(b)),
    )


# ---------- input kept when the session or the form token expired ----------


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
        request.endpoint not in ("plans.save_step", "plans.row")
        or args.get("step") not in STEP_SLUGS
    ):
        return None
    step = "podsumowanie" if decision else args["step"]
    page = request.path  # a decision's GET is its confirmation page
    if current_user.is_authenticated:
        try:
            rule = TRANSITION_VIEWS[args["word"]][1] if decision else "plan.edit"
            jst, plan = _load(args.get("jst_id"), rule)
        except (policy.NotFound, policy.Forbidden):
            return None
        flash(
            "Formularz był otwarty zbyt długo. Decyzji nie zapisano — Twoje uzasadnienie jest "
            "poniżej; sprawdź je i wyślij ponownie."
            if decision
            else "Formularz był otwarty zbyt długo. Twoje zmiany nie zostały jeszcze zapisane — "
            "są poniżej; sprawdź je i zapisz ponownie.",
            "warning",
        )
        if decision:
            form = MessageForm(formdata=request.form)
            return _render_confirmation(jst, plan, args["word"], form, status=400)
        if request.endpoint == "plans.row":
            spec = plans.ROW_KINDS.get(args.get("kind"))
            if spec is None or spec.step != args["step"]:
                return None
            existing = plans.get_row(plan, spec.slug, args.get("uid"))
            form = row_form(spec.slug, plans.choices(plan), existing, formdata=request.form)
            if existing is None and args.get("uid") != "nowy":
                return _deleted_meanwhile(jst, plan, args["step"], spec, form, status=400)
            return _render_row(jst, plan, args["step"], spec, form, existing, 400)
        return _rerender_with(jst, plan, step, request.form, 400)
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
        PendingInput.create(key_hash=_hash(key), path=page, data=data)
    flash(
        "Sesja wygasła. Zaloguj się ponownie — Twoje niezapisane zmiany zostaną przywrócone.",
        "warning",
    )
    response = redirect(url_for("auth.login", next=page))
    response.set_cookie(
        PENDING_COOKIE, key, max_age=86400, httponly=True, samesite="Lax", secure=request.is_secure
    )
    return response


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _pending_formdata(jst, plan, step):
    """Input kept when the session expired on this page, once (None when there is none)."""
    key = request.cookies.get(PENDING_COOKIE)
    if not key or not _may_restore(jst, plan, step):
        return None
    with write_tx():
        pending = PendingInput.get_or_none(PendingInput.key_hash == _hash(key))
        if pending is None or pending.path != request.path:
            return None
        pending.delete_instance()
    flash(
        "Przywrócono zmiany, których nie zapisano przed wygaśnięciem sesji — sprawdź je i zapisz.",
        "warning",
    )
    g.clear_pending_cookie = True
    return MultiDict(json.loads(pending.data))


def _may_restore(jst, plan, step):
    """Whether the user may send again the form whose input was kept for this step."""
    if step == "podsumowanie":
        return (plan.status == "submitted" and policy.can(current_user, "plan.decide", jst)) or (
            plan.status == "accepted" and policy.can(current_user, "plan.reopen", jst)
        )
    return _can_edit(jst, plan)


def _rerender_with(jst, plan, step, formdata, status=200):
    if step == "jst":
        return _render_step(
            jst, plan, step, profile_form=ProfileStepForm(formdata=formdata), status=status
        )
    if step in plans.TEXT_FIELDS:
        form = text_form_class(step)(formdata=formdata)
        return _render_step(jst, plan, step, text_form=form, status=status)
    return _render_step(jst, plan, step)


@bp.after_app_request
def _clear_pending_cookie(response):
    if g.get("clear_pending_cookie"):
        response.delete_cookie(PENDING_COOKIE)
    return response
