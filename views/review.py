"""Views of the expert review (issue 8): worklist, reading view, comments, notifications, the
expert visit."""

from collections import Counter

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.review import CommentForm, VisitForm
from models import PROGRAM_GROUPS
from models.plans import STATUS_LABELS
from services import lists, plans, policy, review, suggestions

from .common import load_jst

bp = Blueprint("review", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [
    ("review.worklist", "Opiniowanie", "review.worklist"),
    ("review.visits", "Wizyty ekspertów", "visit.list"),
]


def _load(jst_id, action):
    jst = load_jst(jst_id, action)
    return jst, plans.get_plan(jst)


def _back(jst, step):
    """Where a comment form returns to: the step of the wizard, or the reading view."""
    target = request.form.get("next", "")
    if target.startswith(f"/jst/{jst.id}/plan") and "//" not in target:
        return target
    return url_for("plans.step", jst_id=jst.id, step=step if step in plans.STEP_TITLES else "jst")


@bp.get("/opiniowanie")
@login_required
def worklist():
    policy.require(current_user, "review.worklist")
    ids = policy.visible_jst_ids(current_user)
    args = {
        "q": lists.text_arg(request.args.get("q")),
        "grupa": lists.int_arg(request.args.get("grupa"), PROGRAM_GROUPS),
        "status": request.args.get("status") if request.args.get("status") in STATUS_LABELS else "",
    }
    items, page, pages, total = lists.review_page(
        current_user,
        ids,
        args["q"],
        args["grupa"],
        args["status"],
        lists.int_arg(request.args.get("strona")) or 1,
    )
    return render_template(
        "review/worklist.html",
        items=items,
        page=page,
        pages=pages,
        total=total,
        args={k: v for k, v in args.items() if v},
        groups=PROGRAM_GROUPS,
        statuses=STATUS_LABELS,
        outcomes=suggestions.expert_outcomes(current_user),  # issue 30.2
        suggestion_statuses=suggestions.STATUS_LABELS,
    )


@bp.get("/jst/<int:jst_id>/plan/czytaj")
@login_required
def read(jst_id):
    jst, plan = _load(jst_id, "review.read")
    threads = review.threads(plan)
    return render_template(
        "review/read.html",
        jst=jst,
        plan=plan,
        content=plans.plan_content(plan),
        threads=threads,
        row_comments=Counter(t.row_uid for step in threads.values() for t in step if t.row_uid),
        labels=plans,
        version=review.current_version_number(plan),
        draft=plan.status in plans.EDITABLE,
        comparison=review.previous_comparison(plan),
        comment_form=CommentForm(formdata=None),
        form=EmptyForm(),
        can_comment=policy.can(current_user, "review.comment", jst),
        can_reply=policy.can(current_user, "review.reply", jst),
    )


@bp.post("/jst/<int:jst_id>/plan/uwagi")
@login_required
def comment(jst_id):
    jst, plan = _load(jst_id, "review.comment")
    form = CommentForm()
    step = form.step.data if form.step.data in plans.STEP_TITLES else None
    if not form.validate_on_submit() or step is None:
        flash("Uwaga nie została dodana: proszę wpisać jej treść.", "danger")
        return redirect(_back(jst, step))
    kind = form.row_kind.data or ""
    if kind and kind not in plans.ROW_KINDS:
        abort(404)
    added = review.add_comment(
        plan,
        step,
        kind,
        form.row_uid.data,
        form.body.data,
        current_user,
        url_for("plans.step", jst_id=jst.id, step=step),
        current_app.config,
    )
    if kind and review.comment_on_deleted(added):
        flash(
            "Ktoś usunął tę pozycję w międzyczasie — uwagę dodano do kroku "
            f"„{plans.STEP_TITLES[added.step]}”.",
            "warning",
        )
        back = _back(jst, added.step)
        if form.row_uid.data and form.row_uid.data in back:  # the deleted row's page: 404 now
            back = url_for("plans.step", jst_id=jst.id, step=added.step)
        return redirect(back)
    flash("Dodano uwagę.", "success")
    return redirect(f"{_back(jst, step)}#comment-{added.id}")  # back at the comment, not the top


@bp.post("/jst/<int:jst_id>/plan/uwagi/<int:comment_id>/odpowiedz")
@login_required
def answer(jst_id, comment_id):
    jst, plan = _load(jst_id, "review.reply")
    thread = review.get_comment(plan, comment_id) or abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        review.reply(
            thread,
            form.body.data,
            current_user,
            url_for("plans.step", jst_id=jst.id, step=thread.step),
            current_app.config,
        )
        flash("Dodano odpowiedź.", "success")
    else:
        flash("Odpowiedź nie została dodana: proszę wpisać jej treść.", "danger")
    return redirect(f"{_back(jst, thread.step)}#comment-{thread.id}")


@bp.post("/jst/<int:jst_id>/plan/uwagi/<int:comment_id>/<any(rozwiaz, otworz):word>")
@login_required
def resolve(jst_id, comment_id, word):
    jst, plan = _load(jst_id, "review.comment")
    thread = review.get_comment(plan, comment_id) or abort(404)
    review.set_resolved(thread, word == "rozwiaz", current_user)
    flash(
        "Uwagę oznaczono jako rozwiązaną." if word == "rozwiaz" else "Uwagę otwarto ponownie.",
        "success",
    )
    return redirect(f"{_back(jst, thread.step)}#comment-{thread.id}")


@bp.get("/powiadomienia")
@login_required
def notifications():
    return render_template(
        "review/notifications.html", items=review.notifications(current_user), form=EmptyForm()
    )


@bp.get("/powiadomienia/<int:notification_id>")
@login_required
def open_notification(notification_id):
    url = review.open_notification(current_user, notification_id) or abort(404)
    return redirect(url)


@bp.post("/powiadomienia/przeczytane")
@login_required
def read_all():
    review.mark_all_read(current_user)
    return redirect(url_for(".notifications"))


@bp.route("/jst/<int:jst_id>/wizyta", methods=["GET", "POST"])
@login_required
def visit(jst_id):
    jst = load_jst(jst_id, "visit.view" if request.method == "GET" else "visit.edit")
    existing = review.visit(jst)
    editable = policy.can(current_user, "visit.edit", jst)
    form = VisitForm(obj=existing) if request.method == "GET" else VisitForm()
    if editable and form.validate_on_submit():
        data = {
            name: form[name].data or "" for name in ("form", "attendees", "topics", "conclusions")
        }
        data["visit_date"] = form.visit_date.data
        review.save_visit(jst, current_user, data)
        flash("Zapisano wizytę eksperta.", "success")
        return redirect(url_for(".visit", jst_id=jst.id))
    return render_template(
        "review/visit.html", jst=jst, visit=existing, form=form, editable=editable
    ), (422 if form.errors else 200)


@bp.get("/wizyty")
@login_required
def visits():
    policy.require(current_user, "visit.list")
    rows, page, pages, total, without = lists.visit_page(
        lists.int_arg(request.args.get("strona")) or 1
    )
    return render_template(
        "review/visits.html", rows=rows, page=page, pages=pages, total=total, without=without
    )
