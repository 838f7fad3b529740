"""Application factory."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Defaults


class ConfigurationError(RuntimeError):
    pass


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PLANJST")
    else:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    configure_database(app)
    configure_secrets(app)
    configure_hosts(app)

    from views.hardening import AppRequest, HealthCheckAnyHost, StrictInput

    app.request_class = AppRequest
    app.wsgi_app = HealthCheckAnyHost(StrictInput(app.wsgi_app), app.config["SERVED_HOST"])
    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        x_host = n if app.config["PROXY_FORWARDS_HOST"] else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=x_host)

    from extensions import DbSessionInterface, bootstrap, csrf, login_manager

    app.session_interface = DbSessionInterface()
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)

    from services import tasks

    tasks.configure(app)

    from views import register

    register(app)

    from cli import register_commands

    register_commands(app)
    check_personal_data_keys(app)
    return app


def configure_hosts(app):
    """Serve only BASE_URL's host and the configured extras (Flask answers 400 for any other
    Host header): links built from a request's host could otherwise point at any site."""
    base = urlsplit(app.config["BASE_URL"]).hostname
    if not base:
        raise ConfigurationError(
            "BASE_URL musi być pełnym adresem, np. https://planjst.example.org"
        )
    app.config["SERVED_HOST"] = base
    if app.config["TRUSTED_HOSTS"] is None:  # unless set explicitly (a list)
        extra = [h.strip() for h in str(app.config["TRUSTED_HOSTS_EXTRA"]).split(",") if h.strip()]
        app.config["TRUSTED_HOSTS"] = [base, *extra]


def check_personal_data_keys(app):
    """Wrong PII_KEYS show at start-up in the log (and on /healthz), not first to the users.
    A database not created yet (before init-db) has nothing to check."""
    from peewee import DatabaseError

    from models import db
    from services import pii_keys

    try:
        with db.connection_context():
            problem = pii_keys.problem()
    except DatabaseError:
        return
    if problem:
        app.logger.error("Personal data unavailable: %s", problem)


def configure_database(app):
    from lib import memos
    from models import db, open_database, release

    url = app.config["DATABASE_URL"] or f"sqlite:///{app.instance_path}/planjst.sqlite3"
    app.config["DATABASE_URL"] = url
    open_database(url)
    memos.forget_all()  # values kept from another database of this process (tests, benchmarks)

    @app.before_request
    def _connect():
        # /healthz connects itself, to answer 503 instead of the error page when it cannot
        if request.endpoint != "main.healthz":
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        release()


def _instance_secret(app, filename, make):
    """A secret generated once into instance/ (mode 0600) — SQLite deployments only."""
    path = Path(app.instance_path) / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make())
    return path.read_text().strip()


def configure_secrets(app):
    on_sqlite = app.config["DATABASE_URL"].startswith("sqlite")
    for key, filename, make in (
        ("SECRET_KEY", "secret_key", lambda: secrets.token_hex(32)),
        ("PII_KEYS", "pii_keys", _new_fernet_key),
    ):
        if app.config[key]:
            continue
        if not on_sqlite:
            raise ConfigurationError(
                f"Brak {key}: na PostgreSQL ustaw PLANJST_{key} (wspólny dla wszystkich serwerów)."
            )
        app.config[key] = _instance_secret(app, filename, make)
        if key == "PII_KEYS":  # rotate-pii-key may add a new key to this file
            app.config["PII_KEYS_FILE"] = str(Path(app.instance_path) / filename)
    from lib import crypto

    crypto.configure(app.config["PII_KEYS"])


def _new_fernet_key():
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
