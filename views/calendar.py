"""Calendars (issue 20): the personal iCalendar feed at a secret address (renewed on the account
page) and a one-off .ics per module."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask_login import current_user, login_required

from models.programme import Module
from services import ical, policy

bp = Blueprint("calendar", __name__)

ICS = "text/calendar"  # werkzeug adds "; charset=utf-8" to a text/* mimetype


def feed_url(user, generation, token_hash):
    """The absolute (BASE_URL) address of the user's feed, or None: not created yet, or made with
    another SECRET_KEY (the account page then offers to create it again)."""
    token = ical.current_token(current_app.config["SECRET_KEY"], user.id, generation, token_hash)
    if token is None:
        return None
    return current_app.config["BASE_URL"].rstrip("/") + url_for("calendar.feed", token=token)


@bp.get("/kalendarz/<token>.ics")
def feed(token):
    """Public, for calendar programs: the secret token is the key (wrong or renewed: 404)."""
    user = ical.user_for(token, current_app.config["SECRET_KEY"]) or abort(404)
    if not policy.can(user, "calendar.feed"):
        abort(404)
    response = Response(ical.feed(user), mimetype=ICS)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="plan-jst.ics"'
    return response


@bp.post("/konto/kalendarz")
@login_required
def renew():
    policy.require(current_user, "calendar.feed")
    had = ical.has_feed(current_user)
    ical.renew(current_user, current_app.config["SECRET_KEY"])
    flash(
        "Nadano nowy adres kalendarza — poprzedni przestał działać."
        if had
        else "Utworzono adres kalendarza.",
        "success",
    )
    return redirect(url_for("auth.account") + "#kalendarz")


@bp.get("/moduly/<int:module_id>.ics")
@login_required
def module_ics(module_id):
    policy.require(current_user, "programme.view")
    module = Module.get_or_none(Module.id == module_id) or abort(404)
    response = Response(ical.module_ics(module), mimetype=ICS)
    response.headers["Content-Disposition"] = f'attachment; filename="modul-{module.number}.ics"'
    return response
