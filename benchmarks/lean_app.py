"""The lean reference for benchmarks/http_pages.py (issue 21): what a logged-in page costs on the
bare stack, measured in the same run as Plan JST's pages.

Flask + Flask-Login + CSRFProtect, the session a row looked up in SQLite on every request (like
Plan JST's server-side sessions), one cached Jinja template with a small layout: a menu of 7
links, a logout form, a definition list and a form. Served by gunicorn like the project:

    python benchmarks/lean_app.py init /tmp/lean.sqlite3
    cd benchmarks
    LEAN_DATABASE=/tmp/lean.sqlite3 gunicorn -c python:lean_app 'lean_app:create_app()'

This module is also that gunicorn's configuration (`-c python:lean_app`): post_worker_init
settles each worker as the project's gunicorn.conf.py does (templates compiled, heap frozen).

Its /login takes the same form as Plan JST's (csrf_token, email, password; 302 when signed in).
"""

import gc
import os
import secrets
import sqlite3
import sys

from flask import Flask, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader

PASSWORD = "demo-haslo-123"
USERS = [("koordynator@example.org", "Anna Koordynator", "koordynator")]

LAYOUT = """<!doctype html>
<html lang="pl">
<head><meta charset="utf-8"><title>{% block title %}{% endblock %} — Lean</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body>
<nav aria-label="Nawigacja główna"><ul>
{% for label, url in menu %}<li><a href="{{ url }}"{% if url == request.path %}
 aria-current="page"{% endif %}>{{ label }}</a></li>{% endfor %}
</ul>
{% if current_user.is_authenticated %}
<form method="post" action="/logout"><input type="hidden" name="csrf_token"
 value="{{ csrf_token() }}"><button type="submit">Wyloguj</button></form>
{% endif %}</nav>
<main id="main"><h1>{% block heading %}{% endblock %}</h1>{% block content %}{% endblock %}</main>
<footer>Lean reference</footer>
</body></html>"""

ACCOUNT = """{% extends "layout.html" %}
{% block title %}Moje konto{% endblock %}{% block heading %}Moje konto{% endblock %}
{% block content %}
<dl>
  <dt>Imię i nazwisko</dt><dd>{{ current_user.full_name }}</dd>
  <dt>Adres e-mail</dt><dd>{{ current_user.email }}</dd>
  <dt>Rola</dt><dd>{{ current_user.role }}</dd>
</dl>
<form method="post" action="/konto/wyloguj-wszedzie">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <button type="submit">Wyloguj wszędzie</button>
</form>
{% endblock %}"""

LOGIN = """{% extends "layout.html" %}
{% block heading %}Logowanie{% endblock %}
{% block content %}
<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input name="email"><input name="password" type="password"><button>Zaloguj</button></form>
{% endblock %}"""

MENU = [
    ("Start", "/"),
    ("Przegląd", "/przeglad"),
    ("JST", "/jst"),
    ("Plany", "/plany"),
    ("Program", "/program"),
    ("Dokumenty", "/dokumenty"),
    ("Moje konto", "/konto"),
]


class User(UserMixin):
    def __init__(self, row):
        self.id, self.email, self.full_name, self.role = row


def db():
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["LEAN_DATABASE"])
    return g.db


def init(path):
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE IF NOT EXISTS user (id INTEGER PRIMARY KEY, email TEXT UNIQUE,"
        " full_name TEXT, role TEXT);"
        "CREATE TABLE IF NOT EXISTS session (id TEXT PRIMARY KEY, user_id INTEGER"
        " REFERENCES user(id));"
    )
    conn.executemany("INSERT OR IGNORE INTO user (email, full_name, role) VALUES (?, ?, ?)", USERS)
    conn.commit()
    conn.close()


def create_app():
    app = Flask(__name__)
    app.secret_key = os.environ.get("LEAN_SECRET_KEY", "lean-benchmark-only")
    app.jinja_loader = DictLoader(
        {"layout.html": LAYOUT, "konto.html": ACCOUNT, "login.html": LOGIN}
    )
    CSRFProtect(app)
    login_manager = LoginManager(app)

    @login_manager.user_loader
    def load_user(user_id):
        # the session row, looked up on every request: the cookie carries only its id
        row = (
            db()
            .execute(
                "SELECT user.id, user.email, user.full_name, user.role FROM session"
                " JOIN user ON user.id = session.user_id WHERE session.id = ? AND user.id = ?",
                (session.get("sid", ""), int(user_id)),
            )
            .fetchone()
        )
        return User(row) if row else None

    @app.teardown_appcontext
    def close(_exc):
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()

    @app.context_processor
    def chrome():
        return {"menu": MENU}

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST":
            row = (
                db()
                .execute(
                    "SELECT id, email, full_name, role FROM user WHERE email = ?",
                    (request.form.get("email"),),
                )
                .fetchone()
            )
            if row and request.form.get("password") == PASSWORD:
                sid = secrets.token_urlsafe(24)
                db().execute("INSERT INTO session (id, user_id) VALUES (?, ?)", (sid, row[0]))
                db().commit()
                session["sid"] = sid
                login_user(User(row))
                return redirect(url_for("account"))
        return render_template("login.html")

    @app.get("/konto")
    @login_required
    def account():
        return render_template("konto.html")

    return app


def post_worker_init(worker):
    """gunicorn: as extensions.settle does for Plan JST — every template compiled, then the
    long-lived heap moved out of the garbage collector's way."""
    app = worker.wsgi
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    gc.freeze()


if __name__ == "__main__":
    if sys.argv[1:2] == ["init"] and len(sys.argv) == 3:
        init(sys.argv[2])
    else:
        raise SystemExit(__doc__)
