"""The plan library (issue 30.1): search, "Dodaj do mojego planu", a JST's choice, who opted out,
and the public page of the best plans."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.library import ChoiceForm, UseForm
from lib.identifiers import VOIVODESHIPS
from models import JST_KINDS, Jst, db_int
from services import documents, library, plans, policy

from . import chrome
from .common import load_jst, send_pdf

bp = Blueprint("library", __name__)

NAV = [("library.search", "Biblioteka planów", "library.search")]


@bp.get("/biblioteka")
@login_required
def search():
    policy.require(current_user, "library.search")
    filters = library.Filters.from_args(request.args)
    results = library.search(filters, request.args.get("strona", 1, type=db_int))
    return render_template(
        "library/search.html",
        filters=filters,
        results=results,
        choices={
            "obszar": plans.AREA_LABELS,
            "rodzaj": {key: label for key, (label, *_) in JST_KINDS.items()},
            "woj": VOIVODESHIPS,
            "koszt": {key: label for key, (label, *_) in library.COST_RANGES.items()},
            "szkola": plans.SCHOOL_KIND_LABELS,
        },
        targets=_own_editable_plans(),
        use_form=chrome.TOKEN,
        # a new row's uid per action, fresh on every page: a double click saves once, another
        # action copied from the same page is another row
        uids={item.id: plans.new_uid() for item in results.items},
    )


def _own_editable_plans():
    """[Jst] whose plan the current user may copy an action into now (their team's, editable)."""
    ids = policy.team_jst_ids(current_user) if current_user.role == "participant" else set()
    jsts = [jst for jst in Jst.select().where(Jst.id.in_(ids)) if plans.get_plan(jst)]
    return [jst for jst in jsts if plans.get_plan(jst).status in plans.EDITABLE]


@bp.post("/jst/<int:jst_id>/biblioteka/<int:entry_id>/uzyj")
@login_required
def use(jst_id, entry_id):
    jst = load_jst(jst_id, "plan.edit")
    plan = plans.get_plan(jst)
    form = UseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outcome = library.use_in_plan(entry_id, plan, form.uid.data, current_user)
    except LookupError:
        abort(404)
    except plans.NotEditable:
        flash(
            f"Plan ma status „{plans.get_plan(jst).status_label}” — nie można teraz dodać "
            "działania.",
            "warning",
        )
        return redirect(url_for(".search"))
    row = outcome.edit.row
    if outcome.result != plans.SAVED:
        flash(
            "Ktoś zmienił to działanie w międzyczasie — proszę sprawdzić zapisaną wersję.",
            "warning",
        )
    else:
        flash(
            "Dodano działanie do planu jako wersję roboczą. Proszę dostosować je do planu JST "
            "(cel, szkoły, odpowiedzialni).",
            "success",
        )
    if row is None:
        return redirect(url_for("plans.step", jst_id=jst.id, step="dzialania") + "#dzialania")
    return redirect(
        url_for("plans.row", jst_id=jst.id, step="dzialania", kind="dzialania", uid=row.uid)
    )


@bp.route("/jst/<int:jst_id>/biblioteka", methods=["GET", "POST"])
@login_required
def choice(jst_id):
    jst = load_jst(jst_id, "library.choice")
    in_library, publish = library.choice(jst)
    form = ChoiceForm(data={"in_library": in_library, "publish": publish})
    if form.validate_on_submit():
        library.save_choice(jst, form.in_library.data, form.publish.data, current_user)
        flash("Zapisano ustawienia biblioteki planów.", "success")
        return redirect(url_for(".choice", jst_id=jst.id))
    return render_template("library/choice.html", jst=jst, form=form, plan=plans.get_plan(jst))


@bp.get("/biblioteka/poza-biblioteka")
@login_required
def opted_out():
    policy.require(current_user, "library.manage")
    return render_template("library/opted_out.html", rows=library.opted_out())


@bp.get("/najlepsze-plany")
def best():
    """Public (no login): the best plans whose JSTs agreed to publish them, for the conference."""
    return render_template("library/best.html", jsts=library.published_best())


@bp.get("/najlepsze-plany/<int:jst_id>/plan.pdf")
def best_pdf(jst_id):
    """Public: the PDF of a published best plan — the plan document itself, nothing more."""
    jst = library.published_best_jst(jst_id) or abort(404)
    return send_pdf(
        "plan",
        lambda: documents.plan_context(jst, None)[0] or abort(404),
        (jst.id, None),
        documents.filename("plan", jst.name),
        documents.display_name("plan", jst.name),
    )
