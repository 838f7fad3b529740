"""Follow-up after the pilot: consultations, the best plans and the half-yearly progress."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.base import first_error
from forms.programme import PROGRESS_CHOICES, ConsultationForm
from models import PROGRAM_GROUPS, Jst, User
from models.programme import PROGRESS_STATUS, Consultation
from services import jsts, lists, plans, policy, programme

from .. import chrome
from ..common import load_jst
from .common import _list_args, _manage, bp


@bp.get("/po-pilotazu")
@login_required
def follow_up():
    _manage()
    args = _list_args()
    pending, page, pages, total = lists.follow_up_page(
        args["q"], args["grupa"], False, lists.int_arg(request.args.get("strona")) or 1
    )
    accepted, page2, pages2, total2 = lists.follow_up_page(
        args["q"], args["grupa"], True, lists.int_arg(request.args.get("strona2")) or 1
    )
    available = programme.periods()
    period = _period(available)
    # one consultation form, for the JST picked from the list (?jst=…)
    picked = lists.int_arg(request.args.get("jst"))
    picked = Jst.get_or_none((Jst.id == picked) & (Jst.status == "active")) if picked else None
    form = None
    if picked is not None:
        current = Consultation.get_or_none(Consultation.jst == picked)
        data = {"meeting_date": None, "expert": 0, "outcome": ""}
        if current is not None:
            data = {
                "meeting_date": current.meeting_date,
                "expert": current.expert_id or 0,
                "outcome": current.outcome,
            }
        form = ConsultationForm(formdata=None, data=data)
        form.expert.choices = [(0, "—")] + [(e.id, e.full_name) for e in jsts.experts()]
    args = {k: v for k, v in args.items() if v}
    return render_template(
        "programme/follow_up.html",
        pending=pending,
        accepted=accepted,
        paging=(page, pages, total),
        paging2=(page2, pages2, total2),
        args=args,
        groups=PROGRAM_GROUPS,
        picked=picked,
        period=period,
        periods=available,
        network=programme.network_progress(period),
        statuses=PROGRESS_STATUS,
        form=form,
        empty=chrome.TOKEN,  # a token, no form
    )


def _period(available):
    """The half-year asked for (?polrocze=2018-1) among `available`, else the current one."""
    asked = request.args.get("polrocze")
    return asked if asked in available else programme.current_period()


@bp.post("/jst/<int:jst_id>/konsultacja")
@login_required
def consultation(jst_id):
    jst = load_jst(jst_id, "programme.manage")
    form = ConsultationForm()
    form.expert.choices = [(0, "—")] + [(e.id, e.full_name) for e in jsts.experts()]
    if form.validate_on_submit():
        expert = User.get_or_none((User.id == form.expert.data) & (User.role == "expert"))
        programme.save_consultation(jst, form.meeting_date.data, expert, form.outcome.data or "")
        flash(f"Zapisano spotkanie konsultacyjne: {jst.name}.", "success")
    else:
        flash(f"Nie zapisano spotkania ({jst.name}) — {first_error(form)}", "danger")
    return redirect(url_for(".follow_up"))


@bp.post("/jst/<int:jst_id>/najlepszy-plan")
@login_required
def best_plan(jst_id):
    jst = load_jst(jst_id, "programme.manage")
    programme.mark_best(
        jst, request.form.get("wyroznij") == "1"
    )  # explicit: a double click is harmless
    return redirect(url_for(".follow_up"))


@bp.route("/jst/<int:jst_id>/postep", methods=["GET", "POST"])
@login_required
def progress(jst_id):
    jst = load_jst(jst_id, "progress.view" if request.method == "GET" else "progress.report")
    plan = plans.get_plan(jst)
    period = programme.current_period()  # reports are written for the current half-year
    actions = plans.rows(plan, "dzialania", links=False)
    if request.method == "POST":
        if plan.status != "accepted":
            abort(400)
        entries = []
        for action in actions:
            status = request.form.get(f"status-{action.uid}", "")
            if status in PROGRESS_STATUS:
                comment = (request.form.get(f"komentarz-{action.uid}") or "")[:2000]
                entries.append((action.uid, status, comment))
        programme.save_progress(jst, period, entries)
        flash("Zapisano sprawozdanie z postępu.", "success")
        return redirect(url_for(".progress", jst_id=jst.id))
    available = programme.periods(jst)
    shown = _period(available)
    return render_template(
        "programme/progress.html",
        jst=jst,
        plan=plan,
        period=shown,
        periods=available,
        actions=actions,
        saved=programme.progress(jst, shown),
        choices=PROGRESS_CHOICES,
        form=EmptyForm(),
        can_report=shown == period and policy.can(current_user, "progress.report", jst),
    )
