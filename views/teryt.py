"""Import of JSTs from GUS's TERYT register (issue 29): upload the TERC file, choose what to add,
look at the preview, confirm. The read file waits in the database, not in the session."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.teryt import TerytSelectionForm, TerytUploadForm
from lib.plural import count_pl
from services import policy, teryt_register

from .auth import client_address

bp = Blueprint("teryt", __name__)


@bp.route("/jst/import/teryt", methods=["GET", "POST"])
@login_required
def upload():
    policy.require(current_user, "jst.import")
    form = TerytUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            units, skipped, stand = teryt_register.read(file.read(teryt_register.MAX_BYTES + 1))
        except teryt_register.UnreadableFile as exc:
            form.file.errors.append(str(exc))
        else:
            stored = teryt_register.store(units, skipped, stand, current_user, file.filename)
            return redirect(url_for(".preview", upload_id=stored.id))
        finally:
            file.close()
    status = 422 if form.errors else 200
    return render_template("jst/teryt_upload.html", form=form), status


def _load(upload_id):
    policy.require(current_user, "jst.import")
    return teryt_register.get_upload(upload_id, current_user) or abort(404)


@bp.route("/jst/import/teryt/<int:upload_id>", methods=["GET", "POST"])
@login_required
def preview(upload_id):
    """The choice and its preview (a POST that writes nothing: pasted codes may be longer than
    a URL may), and with „Dodaj” the import itself."""
    stored = _load(upload_id)
    form = TerytSelectionForm()
    if not form.validate_on_submit():
        return _render(stored, form, False)
    if "dodaj" not in request.form:
        return _render(stored, form, True)
    scope, voivodeship, codes, groups = form.choice()
    units, _skipped = teryt_register.upload_units(stored)
    chosen, _unknown = teryt_register.select(units, scope, voivodeship, codes)
    added = teryt_register.import_units(stored, chosen, groups, current_user, client_address())
    if added:
        flash(f"Dodano {count_pl(added, 'JST', 'JST', 'JST')} z rejestru TERYT.", "success")
    else:
        flash("Nic nie dodano: wszystkie wybrane JST są już w projekcie.", "info")
    return redirect(url_for("jst.jst_list"))


def _render(stored, form, chosen):
    units, skipped = teryt_register.upload_units(stored)
    result = None
    if chosen:
        scope, voivodeship, codes, _groups = form.choice()
        selected, unknown = teryt_register.select(units, scope, voivodeship, codes)
        result = teryt_register.preview(units, selected) | {"unknown": unknown}
    return render_template(
        "jst/teryt_preview.html",
        upload=stored,
        form=form,
        file_counts=teryt_register.file_counts(units),
        file_total=len(units),
        skipped=teryt_register.skipped_summary(skipped),
        skipped_total=len(skipped),
        result=result,
    ), (422 if form.errors else 200)
