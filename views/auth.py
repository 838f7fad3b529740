"""Sign in and out, passwords and sessions."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from lib.grammar import hours_pl
from models import write_tx
from services import accounts, audit, mail, preferences
from services.accounts import sha256

from . import calendar, chrome
from .common import client_address
from .hardening import safe_next

bp = Blueprint("auth", __name__)


@bp.record_once
def _compute_dummy_hash(state):
    accounts.dummy_hash(state.app.config["PASSWORD_HASH_METHOD"])


def _safe_next(target):
    return safe_next(target) or url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.email.data, form.password.data, client_address(), current_app.config
            )
        except accounts.LoginRefused as exc:
            form.password.errors.append(str(exc))
            return render_template("auth/login.html", form=form), 422
        session.clear()
        session.regenerate()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    audit.record(
        "logout",
        actor=current_user,
        subject=f"user:{current_user.id}",
        address=client_address(),
    )
    logout_user()
    session.clear()
    flash("Wylogowano.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/konto", methods=["GET"])
@login_required
def account():
    mode, generation, token_hash = preferences.account_settings(current_user)  # one query
    return render_template(
        "auth/account.html",
        form=chrome.TOKEN,  # a token, no form
        mode_label=preferences.MODES[mode],
        feed=calendar.feed_url(current_user, generation, token_hash),
    )


@bp.post("/konto/wyloguj-wszedzie")
@login_required
def logout_everywhere():
    with write_tx():
        ended = accounts.end_sessions(current_user, keep_id_hash=sha256(session.sid or ""))
        audit.record(
            "logout_everywhere",
            actor=current_user,
            subject=f"user:{current_user.id}",
            address=client_address(),
        )
    flash(f"Wylogowano z innych urządzeń (zakończone sesje: {ended}).", "success")
    return redirect(url_for("auth.account"))


@bp.route("/konto/haslo", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        from werkzeug.security import check_password_hash

        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors.append("Obecne hasło jest nieprawidłowe.")
            return render_template("auth/change_password.html", form=form), 422
        with write_tx():
            accounts.set_password(
                current_user, form.password.data, current_app.config["PASSWORD_HASH_METHOD"]
            )
            current_user.save()
            accounts.end_sessions(current_user)
            audit.record(
                "password_changed",
                actor=current_user,
                subject=f"user:{current_user.id}",
                address=client_address(),
            )
        session.regenerate()
        flash("Hasło zostało zmienione. Sesje na innych urządzeniach zakończono.", "success")
        return redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/haslo/ustaw/<token>", methods=["GET", "POST"])
def set_password(token):
    user = accounts.token_user(token)
    if user is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.use_token(token, form.password.data, client_address(), current_app.config)
        logout_user()
        session.clear()
        flash("Hasło zostało ustawione. Proszę zalogować się nowym hasłem.", "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/set_password.html", form=form, user=user), status


@bp.route("/haslo/nie-pamietam", methods=["GET", "POST"])
def forgot_password():
    config = current_app.config
    if not mail.enabled(config):
        return render_template("auth/forgot_password.html", form=None)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = accounts.request_password_link(form.email.data, client_address(), config)
        if user is not None:
            token = accounts.issue_password_link(user, None, client_address(), config)
            send_password_link(user, token)
        flash(
            "Jeśli konto z tym adresem istnieje, wysłaliśmy na nie link do ustawienia hasła.",
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


def password_link(token):
    """The public address (BASE_URL), never the host this request named: a forged Host header
    would otherwise send the user a valid link to another site."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("auth.set_password", token=token)


def send_password_link(user, token):
    config = current_app.config
    hours = config["SET_PASSWORD_LINK_HOURS"]
    with write_tx():
        mail.queue(
            config,
            user.email,
            "Plan JST — ustawienie hasła",
            f"Dzień dobry,\n\nproszę użyć tego linku, aby ustawić hasło w serwisie Plan JST "
            f"(ważny {hours_pl(hours)}, jednorazowy):\n{password_link(token)}\n",
        )


@bp.get("/konto/sesja")
@login_required
def session_status():
    """Called by the idle-timeout warning to keep the session alive (refreshes last_seen)."""
    return {"idle_seconds": current_app.config["SESSION_IDLE_MINUTES"] * 60}
