"""Configuration defaults. create_app layers: Defaults → instance/config.py → PLANJST_* env;
then checks what must hold before serving (secrets, hosts)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

from lib import crypto


class ConfigurationError(RuntimeError):
    pass


class Defaults:
    # Empty means: SQLite file in instance/ (see extensions.register_database).
    DATABASE_URL = ""
    # Empty means: generated once into instance/ on SQLite; refused on PostgreSQL.
    SECRET_KEY = ""
    # Fernet keys for personal data, newest first, comma-separated; same rules as SECRET_KEY.
    PII_KEYS = ""
    TIMEZONE = "Europe/Warsaw"

    SESSION_COOKIE_NAME = "planjst_sid"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_IDLE_MINUTES = 60
    SESSION_ABSOLUTE_HOURS = 12
    SESSION_WARNING_MINUTES = 5

    LOGIN_WINDOW = timedelta(minutes=15)
    LOGIN_MAX_FAILS_ACCOUNT = 5
    LOGIN_MAX_FAILS_ADDRESS = 30
    SET_PASSWORD_LINK_HOURS = 24
    # forgot-password: links sent to one account, requests from one address, per window
    PASSWORD_LINK_WINDOW = timedelta(hours=1)
    PASSWORD_LINK_MAX_ACCOUNT = 3
    PASSWORD_LINK_MAX_ADDRESS = 10
    PASSWORD_MIN_LENGTH = 10
    # werkzeug method string; tests use a cheap one.
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"

    # Number of reverse proxies in front of the app (0 = none): enables ProxyFix for the client
    # address (X-Forwarded-For) and scheme (X-Forwarded-Proto).
    PROXY_COUNT = 0
    # Trust the proxy's X-Forwarded-Host too: only if the proxy sets it itself (it is passed
    # through from the client otherwise). The host is checked against TRUSTED_HOSTS either way.
    PROXY_FORWARDS_HOST = False
    # Host names served besides BASE_URL's (comma-separated; ".example.org" matches subdomains):
    # a request for any other host is refused with 400. The loopback names serve health checks
    # and tools on the machine itself.
    TRUSTED_HOSTS_EXTRA = "localhost,127.0.0.1"

    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = False
    MAIL_FROM = "planjst@example.org"
    BASE_URL = "http://127.0.0.1:5000"

    # The job queue (huey): empty = SqliteHuey in a file next to the SQLite database (or in
    # instance/); sqlite:///path = SqliteHuey in that file; redis://host:6379/0 = RedisHuey,
    # for several app and worker servers.
    QUEUE_URL = ""
    QUEUE_NAME = "planjst"  # the queue's name (its keys' prefix in Redis)
    # Run each job at once inside the request that starts it (tests); None = when TESTING.
    QUEUE_IMMEDIATE = None
    JOB_KEEP_DAYS = 7  # a finished job's file is deleted after this
    JOB_HEARTBEAT_SECONDS = 120  # a running job silent this long: its worker died, it is retried
    # a job queued this long and taken by no worker (its message lost): failed, asked anew
    JOB_QUEUED_SECONDS = 600
    # the worker's CPU priority lowered by this much (os.nice): a batch never starves the web
    # workers on the same machine; LibreOffice runs lower still (lib/pdf.py)
    WORKER_NICE = 10
    # e-mail in the outbox is sent by the worker this often (seconds; a divisor of 60)
    MAIL_EVERY_SECONDS = 20

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # addresses (or networks) /metrics answers; anyone else gets 404 — never make it public
    METRICS_FROM = "127.0.0.1 ::1"
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    BOOTSTRAP_SERVE_LOCAL = True
    TEMPLATES_AUTO_RELOAD = False


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
    crypto.configure(app.config["PII_KEYS"])


def _new_fernet_key():
    return Fernet.generate_key().decode()
