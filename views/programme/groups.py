"""Working groups of the JSTs and attendance at the modules: the split, the lists, the rates."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from forms.auth import EmptyForm
from models import PROGRAM_GROUPS, db_int
from services import documents, lists, programme

from ..common import PDF, send_document
from .common import _list_args, _manage, _module, bp


@bp.route("/grupy", methods=["GET", "POST"])
@login_required
def groups():
    _manage()
    active, saved = programme.groups()
    default = max(saved.values(), default=4)
    count = min(max(request.values.get("liczba", default, type=db_int), 1), 12)
    proposal = dict(programme.group_proposal(count))
    if request.method == "POST":
        # the form shows one page of JSTs: the others keep the split it was showing (a new
        # proposal, or the saved split)
        if request.form.get("propozycja") != "1":
            proposal = {jst.id: saved.get(jst.id, proposal[jst.id]) for jst in active}
        assignment = dict(proposal)
        for jst in active:
            if f"jst-{jst.id}" not in request.form:
                continue
            number = request.form.get(f"jst-{jst.id}", type=db_int)
            if number is None or not 1 <= number <= count:
                flash(f"Proszę wybrać grupę dla JST {jst.name}.", "danger")
                return redirect(url_for(".groups", liczba=count))
            assignment[jst.id] = number
        programme.save_groups(assignment)
        flash("Zapisano podział na grupy robocze.", "success")
        return redirect(url_for(".groups"))
    proposing = "liczba" in request.args or not saved
    if not proposing:  # the saved split, to adjust; a JST added since gets the proposal's group
        proposal = {jst.id: saved.get(jst.id, proposal[jst.id]) for jst in active}
    shown, page, pages = lists.page_of(active, lists.int_arg(request.args.get("strona")) or 1)
    sizes = {}
    for number in proposal.values():
        sizes[number] = sizes.get(number, 0) + 1
    return render_template(
        "programme/groups.html",
        jsts=shown,
        page=page,
        pages=pages,
        total=len(active),
        sizes=sorted(sizes.items()),
        saved=saved,
        proposal=proposal,
        proposing=proposing,
        count=count,
        form=EmptyForm(),
    )


def _group_or_404(group):
    if group not in set(programme.group_numbers().values()):
        abort(404)
    return group


@bp.route("/moduly/<int:module_id>/obecnosc/<int:group>", methods=["GET", "POST"])
@login_required
def attendance(module_id, group):
    _manage()
    module = _module(module_id)
    _group_or_404(group)
    people = programme.group_people(group)
    users = [u for u, _j in people]
    days = list(range(1, programme.module_days(module) + 1))
    if request.method == "POST":
        present = set()
        for value in request.form.getlist("obecny"):
            user_id, _sep, day = value.partition(":")
            if user_id.isdigit() and day.isdigit():
                present.add((int(user_id), int(day)))
        programme.save_attendance(module, users, present)
        flash("Zapisano obecność.", "success")
        return redirect(url_for(".attendance", module_id=module.id, group=group))
    return render_template(
        "programme/attendance.html",
        module=module,
        group=group,
        people=people,
        days=days,
        present=programme.attendance(module, users),
        rates=programme.attendance_rates(users=[u.id for u in users]),
        form=EmptyForm(),
    )


@bp.get("/moduly/<int:module_id>/obecnosc/<int:group>.docx")
@bp.get(
    "/moduly/<int:module_id>/obecnosc/<int:group>.pdf", endpoint="attendance_list_pdf", defaults=PDF
)
@login_required
def attendance_list(module_id, group, as_pdf=False):
    _manage()
    module = _module(module_id)
    _group_or_404(group)
    name = f"lista-obecnosci-modul-{module.number}-grupa-{group}.docx"
    return send_document(
        "lista_obecnosci",
        lambda: documents.attendance_context(module, group)[0],
        (module.id, group),
        name,
        as_pdf=as_pdf,
    )


@bp.get("/obecnosc")
@login_required
def attendance_rates():
    _manage()
    args = _list_args()
    rows, page, pages, total = lists.attendance_page(
        args["q"], args["grupa"], lists.int_arg(request.args.get("strona")) or 1
    )
    return render_template(
        "programme/rates.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        args={k: v for k, v in args.items() if v},
        groups=PROGRAM_GROUPS,
        # where attendance is ticked: each module's page per working group
        ticking=programme.attendance_ticking(),
    )
