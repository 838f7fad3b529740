"""The submitted versions of a plan and their comparison."""

from flask import render_template, request
from flask_login import login_required

from models import db_int
from services import plans

from .common import _load, bp


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
