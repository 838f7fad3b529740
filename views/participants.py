"""Views of the participant data (issue 6): the participant's own form and download, the
coordinator's status list, one participant's data, erasure and the EU register export.
Everyone else gets 404: these pages do not exist for them."""

import json
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.participants import LeavingForm, ParticipantForm
from models import PROGRAM_GROUPS, User
from services import lists, participants, policy, settings
from services.participants import DuplicatePesel

from .common import client_address

bp = Blueprint("participants", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [
    ("participants.my_data", "Moje dane", "pii.own"),
    ("participants.status", "Dane uczestników", "pii.manage"),
]


def _require(action):
    if not policy.can(current_user, action):
        abort(404)


def _participant(user_id):
    user = User.get_or_none((User.id == user_id) & (User.role == "participant"))
    return user or abort(404)


def _form_for(values):
    """The form filled with stored values (formdata=None: a GET)."""
    form = ParticipantForm(formdata=None)
    if values:
        for name, field in form._fields.items():
            if name in values and values[name] is not None and name != "csrf_token":
                field.data = values[name]
        form.clause.data = bool(values.get("clause_accepted_at"))
        form.gmina.data = values.get("gmina_teryt") or ""
        form.set_places()
    return form


def _showing_places():
    """A POST of "Pokaż powiaty" / "Pokaż gminy": the form again with the choices of what was
    chosen, nothing checked or saved (dependent choices without JavaScript)."""
    return request.method == "POST" and "pokaz" in request.form


def _save(user, form, actor):
    data = {name: form[name].data for name in form._fields if name != "csrf_token"}
    data |= form.register_address()
    try:
        participants.save(user, data, actor, client_address())
    except DuplicatePesel:
        form.pesel.errors.append("Ten PESEL podał już inny uczestnik programu.")
        return False
    return True


def _submitted_form():
    form = ParticipantForm()
    form.fill_from_pesel()
    return form


@bp.route("/moje-dane", methods=["GET", "POST"])
@login_required
def my_data():
    _require("pii.own")
    values = participants.read(current_user, current_user)
    form = _submitted_form() if request.method == "POST" else _form_for(values)
    if request.method == "GET" and not values:
        form.first_name.data, _sep, form.last_name.data = current_user.full_name.partition(" ")
        form.email.data = current_user.email
    if (
        not _showing_places()
        and form.validate_on_submit()
        and _save(current_user, form, current_user)
    ):
        flash("Zapisano dane.", "success")
        return redirect(url_for(".my_data"))
    return render_template(
        "participants/form.html",
        form=form,
        values=values,
        missing=participants.missing_fields(current_user),
        clause=settings.get("data_protection_clause"),
        owner=True,
        person=current_user,
    ), (422 if form.errors else 200)


@bp.get("/moje-dane/eksport.json")
@login_required
def my_export():
    _require("pii.own")
    body = json.dumps(participants.own_export(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="moje-dane.json"'},
    )


@bp.get("/uczestnicy")
@login_required
def status():
    _require("pii.manage")
    args = {
        "q": lists.text_arg(request.args.get("q")),
        "grupa": lists.int_arg(request.args.get("grupa"), PROGRAM_GROUPS),
        "stan": request.args.get("stan")
        if request.args.get("stan") in lists.PARTICIPANT_STATES
        else "",
    }
    rows, page, pages, total, without_data = lists.participant_page(
        args["q"], args["grupa"], args["stan"], lists.int_arg(request.args.get("strona")) or 1
    )
    return render_template(
        "participants/status.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        without_data=without_data,
        args={k: v for k, v in args.items() if v},
        groups=PROGRAM_GROUPS,
        states=lists.PARTICIPANT_STATES,
    )


@bp.route("/uczestnicy/<int:user_id>/dane", methods=["GET", "POST"])
@login_required
def person(user_id):
    _require("pii.manage")
    user = _participant(user_id)
    values = participants.read(user, current_user, client_address())
    form = _submitted_form() if request.method == "POST" else _form_for(values)
    if not _showing_places() and form.validate_on_submit() and _save(user, form, current_user):
        flash(f"Zapisano dane: {user.full_name}.", "success")
        return redirect(url_for(".person", user_id=user.id))
    leaving = LeavingForm(
        formdata=None,
        left_at=values and values["left_at"],
        leaving_status=values and values["leaving_status"],
    )
    return _person_page(user, values, form, leaving)


def _person_page(user, values, form, leaving):
    """One participant's page for a coordinator: the data form and the end-of-participation
    form; 422 when either holds errors."""
    return render_template(
        "participants/form.html",
        form=form,
        values=values,
        missing=participants.missing_fields(user),
        clause=settings.get("data_protection_clause"),
        owner=False,
        person=user,
        leaving=leaving,
        erase_form=EmptyForm(),
    ), (422 if form.errors or leaving.errors else 200)


@bp.post("/uczestnicy/<int:user_id>/zakonczenie")
@login_required
def leaving(user_id):
    _require("pii.manage")
    user = _participant(user_id)
    form = LeavingForm(joined_at=participants.joined_on(user))
    if form.validate_on_submit():
        participants.save_leaving(
            user, form.left_at.data, form.leaving_status.data, current_user, client_address()
        )
        flash("Zapisano zakończenie udziału.", "success")
        return redirect(url_for(".person", user_id=user.id))
    values = participants.read(user, current_user, client_address())
    return _person_page(user, values, _form_for(values), form)


def _retention_passed():
    text = settings.get("retention_until") or ""
    try:
        return date.fromisoformat(text) < date.today(), text
    except ValueError:
        return False, text


@bp.route("/uczestnicy/<int:user_id>/usuniecie-danych", methods=["GET", "POST"])
@login_required
def erase(user_id):
    _require("pii.manage")
    user = _participant(user_id)
    passed, until = _retention_passed()
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        if not passed:
            flash(
                f"Okres przechowywania danych trwa do {until} — nie można ich jeszcze usunąć.",
                "danger",
            )
        else:
            participants.erase(user, current_user, client_address())
            flash(f"Usunięto dane osobowe: {user.full_name}; konto dezaktywowano.", "success")
        return redirect(url_for(".person", user_id=user.id))
    return render_template(
        "participants/erase.html", person=user, form=form, passed=passed, until=until
    )
