"""Flask extensions, created unbound and bound in create_app; the database (opened per request)
and the database-backed session."""

import gc
import json
import secrets
from datetime import timedelta

from flask import current_app, request
from flask.sessions import SessionInterface, SessionMixin
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from peewee import JOIN, DatabaseError
from werkzeug.datastructures import CallbackDict

from lib import memos
from models import User, UserSession, db, open_database, prepared, release, utcnow
from services import pii_keys
from services.accounts import sha256


class _LoginManager(LoginManager):
    def _session_protection_failed(self):
        # Flask-Login hashes the client's address and user agent for this check on every
        # request, before it looks whether the check is on; here it is off (see below)
        if not current_app.config.get("SESSION_PROTECTION", self.session_protection):
            return False
        return super()._session_protection_failed()


login_manager = _LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Zaloguj się, aby zobaczyć tę stronę."
login_manager.login_message_category = "info"
login_manager.session_protection = None  # sessions are server-side and rotated at login

csrf = CSRFProtect()
bootstrap = Bootstrap5()


def settle(app):
    """Ready a serving process (gunicorn.conf.py, after the app is loaded): compile every template,
    then move the long-lived heap (modules, templates) out of the garbage collector's way — its
    full collections no longer walk it, which halves the worst latencies of large pages."""
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    gc.freeze()


def register_database(app):
    url = app.config["DATABASE_URL"] or f"sqlite:///{app.instance_path}/planjst.sqlite3"
    app.config["DATABASE_URL"] = url
    open_database(url)
    memos.forget_all()  # values kept from another database of this process (tests, benchmarks)

    @app.before_request
    def _connect():
        # /healthz, /readyz connect themselves: 503 instead of the error page when they cannot
        if request.endpoint not in ("main.healthz", "main.readyz"):
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        release()


def check_personal_data_keys(app):
    """Wrong PII_KEYS show at start-up in the log (and on /healthz), not first to the users.
    A database not created yet (before init-db) has nothing to check."""
    try:
        with db.connection_context():
            problem = pii_keys.problem()
    except DatabaseError:
        return
    if problem:
        app.logger.error("Personal data unavailable: %s", problem)


# last_seen_at is refreshed at most this often (one write per minute, not per request)
_TOUCH_EVERY = timedelta(seconds=60)


class DbSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid=None, row=None):
        def on_update(session):
            session.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.row = row
        self.modified = False
        self.rotate = False
        self.expired = False

    def regenerate(self):
        """Give this session a new id (at login, and when a password changes)."""
        self.rotate = True
        self.modified = True


class DbSessionInterface(SessionInterface):
    """A random id in an HttpOnly cookie; the data and the user in the UserSession table."""

    def _expired(self, app, row, now):
        idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
        absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
        return row.last_seen_at < now - idle or row.created_at < now - absolute

    def open_session(self, app, request):
        sid = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not sid or request.path in ("/healthz", "/readyz"):  # 503 without a database
            return DbSession()
        id_hash = sha256(sid)
        rows = prepared(
            "session",
            lambda: (
                UserSession.select(UserSession, User)
                .join(User, join_type=JOIN.LEFT_OUTER)
                .where(UserSession.id_hash == id_hash)
            ),
            [id_hash],
        )
        if not rows:
            return DbSession()
        row = rows[0]
        if self._expired(app, row, utcnow()):
            UserSession.delete().where(UserSession.id_hash == row.id_hash).execute()
            session = DbSession()
            session.expired = True
            return session
        return DbSession(json.loads(row.data), sid=sid, row=row)

    def save_session(self, app, session, response):
        name = app.config["SESSION_COOKIE_NAME"]
        now = utcnow()
        if not session:
            if session.row is not None:
                UserSession.delete().where(UserSession.id_hash == session.row.id_hash).execute()
            if session.sid or session.row is not None:
                response.delete_cookie(name, path="/")
            return
        user_id = session.get("_user_id")
        data = json.dumps(dict(session))
        if session.row is None or session.rotate:
            if session.row is not None:
                UserSession.delete().where(UserSession.id_hash == session.row.id_hash).execute()
            sid = secrets.token_urlsafe(32)
            UserSession.create(
                id_hash=sha256(sid), user=user_id, data=data, created_at=now, last_seen_at=now
            )
            response.set_cookie(
                name,
                sid,
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
                samesite=app.config["SESSION_COOKIE_SAMESITE"],
                path="/",
            )
            response.vary.add("Cookie")
        elif session.modified:
            UserSession.update(data=data, user=user_id, last_seen_at=now).where(
                UserSession.id_hash == session.row.id_hash
            ).execute()
        elif session.row.last_seen_at < now - _TOUCH_EVERY:
            UserSession.update(last_seen_at=now).where(
                UserSession.id_hash == session.row.id_hash
            ).execute()


@login_manager.user_loader
def load_user(user_id):
    from flask import session

    row = getattr(session, "row", None)
    if row is not None and row.user_id is not None and str(row.user_id) == str(user_id):
        user = row.user
    else:
        user = User.get_or_none(User.id == int(user_id))
    return user if user is not None and user.active else None
