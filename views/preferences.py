"""Notification preferences (issue 20.3): e-mail at once, a daily digest, or in-app only."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forms.notify import PreferenceForm
from services import preferences

bp = Blueprint("preferences", __name__)


bp.add_app_template_global(preferences.bounce, "mail_bounce")


@bp.route(preferences.PATH, methods=["GET", "POST"])
@login_required
def edit():
    form = PreferenceForm(data={"mode": preferences.mode(current_user)})
    if form.validate_on_submit():
        preferences.set_mode(current_user, form.mode.data)
        flash("Zapisano sposób powiadamiania.", "success")
        return redirect(url_for(".edit"))
    status = 422 if form.errors else 200
    return render_template("preferences/edit.html", form=form), status
