"""The submitted versions of a plan and their comparison."""

from flask import render_template, request
from flask_login import login_required

from models import db_int
from services import plans

from .common import bp, load_plan


@bp.get("/jst/<int:jst_id>/plan/wersje")
@login_required
def versions(jst_id):
    jst, plan = load_plan(jst_id)
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
    jst, plan = load_plan(jst_id)
    numbers = [v.number for v in plans.versions(plan)]
    a = request.args.get("a", type=db_int)
    b = request.args.get("b", type=db_int)
    # the draft (the next version) while the team may edit; else the last version is all there is
    draft = plans.next_version_number(plan) if plan.status in plans.EDITABLE else None

    def content(number):
        if draft is not None and number == draft:
            return plans.plan_content(plan)
        return plans.version_content(plan, number)

    old = None if a is None else content(a)
    new = None if b is None else content(b)
    found = old is not None and new is not None
    # nothing chosen yet: the page offers the choice; a version that does not exist: 404
    status = 200 if found or (a is None and b is None) else 404
    return render_template(
        "plans/compare.html",
        jst=jst,
        plan=plan,
        numbers=numbers,
        draft=draft,
        a=a,
        b=b,
        sections=plans.compare(old, new) if found else None,
    ), status
