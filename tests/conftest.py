"""Test fixtures: an app on a fresh database per test (SQLite, or PostgreSQL when
PLANJST_TEST_DATABASE_URL is set), factories and a login helper."""

import os
import re
import shutil
from contextlib import contextmanager
from datetime import date
from urllib.parse import urlparse, urlunparse

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from jinja2 import BytecodeCache

from app import create_app
from lib import crypto
from lib.identifiers import make_nip, make_regon
from lib.text import fold
from models import ALL_MODELS, ExpertAssignment, Jst, TeamMembership, db, migrate, open_database
from services import accounts, kept

PG_URL = os.environ.get("PLANJST_TEST_DATABASE_URL", "")
PASSWORD = "haslo-testowe-1"
CHEAP_HASH = "pbkdf2:sha256:1"
PII_KEY = Fernet.generate_key().decode()


class _CompiledTemplates(BytecodeCache):
    """Each test makes its app, and each app its Jinja environment, which would compile every
    template it renders again (some 5 ms each, up to a third of a test file's time): the code is
    kept for the test process instead. Jinja checks each template's source against the checksum
    kept with its code, so a changed template is compiled afresh."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


# every app made in the test process (by the fixtures or a test's own create_app)
Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _CompiledTemplates()}


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _pg_worker_url():
    """Each xdist worker gets its own database next to the configured one."""
    parts = urlparse(PG_URL)
    name = f"{parts.path.lstrip('/')}_{_worker()}"
    return urlunparse(parts._replace(path="/" + name)), name


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Schema once per run: a migrated SQLite file to copy, or a migrated PostgreSQL database."""
    if PG_URL:
        import psycopg2

        url, name = _pg_worker_url()
        # the maintenance database, so PLANJST_TEST_DATABASE_URL may name one that does not exist
        admin = psycopg2.connect(urlunparse(urlparse(PG_URL)._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        database = open_database(url)
        database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        migrate()
        database.close_all()
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(f"sqlite:///{path}")
    migrate()
    database.close_all()  # every pooled connection: the WAL is checkpointed for the copy
    return path


def _truncate_postgres():
    tables = ", ".join(
        f'"{m._meta.table_name}"'
        for m in ALL_MODELS
        if m._meta.table_name not in ("schema_migration", "data_version")
    )
    db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def app_config(tmp_path, database_template):
    if PG_URL:
        url = database_template
    else:
        target = tmp_path / "planjst.sqlite3"
        shutil.copy(database_template, target)
        url = f"sqlite:///{target}"
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "PII_KEYS": PII_KEY,
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "localhost",
        # certificates are printed only once the public address is set (not the default)
        "BASE_URL": "https://planjst.example.org",
    }


@pytest.fixture
def app(app_config, tmp_path):
    application = create_app(dict(app_config))
    application.instance_path = str(tmp_path / "instance")
    if PG_URL:
        db.connect(reuse_if_open=True)
        _truncate_postgres()
    # No app context is held here: it would share `g` (and Flask-Login's cached user) between
    # requests. Factories only need the database connection.
    db.connect(reuse_if_open=True)
    yield application
    if not db.is_closed():
        db.close()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def browser_client(app):
    """A client that sends, like a browser, the Origin of our own page with a form (the
    wizard keeps expired-form input only for such a request)."""
    client = app.test_client()
    client.environ_base["HTTP_ORIGIN"] = "http://localhost"
    return client


# ---------- factories ----------

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


def make_user(role="participant", email=None, name=None, password=PASSWORD, active=True):
    n = _next()
    user = accounts.create_user(
        email or f"{role}{n}@example.org", name or f"Osoba Testowa {n}", role, CHEAP_HASH, password
    )
    if not active:
        user.active = False
        user.save()
    return user


def make_jst(name=None, kind="gmina_wiejska", **fields):
    n = _next()
    name = name or f"Gmina Testowa {n}"
    defaults = dict(
        kind=kind,
        program_group={"gmina_wiejska": 1, "gmina_miejska": 2, "powiat": 3}.get(kind, 4),
        teryt={
            "gmina_wiejska": "1459012",
            "gmina_miejska": "1459011",
            "powiat": "1459",
            "gmina_miejsko_wiejska": "1459013",
            "miasto_na_prawach_powiatu": "1465011",
        }[kind],
        nip=make_nip(n),
        regon=make_regon(n),
        street="ul. Testowa 1",
        postal_code="00-950",
        city="Testowo",
        head_title="wójt",
        head_name="Jan Testowy",
        signatory1_name="Jan Testowy",
        signatory1_function="Wójt",
        contact_name="Anna Kontaktowa",
        contact_email="kontakt@example.org",
        contact_phone="+48 500 100 200",
        agreement_date=date(2017, 3, 20),
    )
    defaults.update(fields)
    return Jst.create(name=name, name_key=fold(name), **defaults)


def add_member(jst, user=None, function="inspektor ds. oświaty"):
    user = user or make_user("participant")
    TeamMembership.create(
        jst=jst,
        user=user,
        function=function,
        phone_enc=crypto.encrypt("+48 600 100 200"),
        joined_at=date(2017, 4, 5),
    )
    return user


def assign_expert(jst, expert=None):
    expert = expert or make_user("expert")
    ExpertAssignment.create(jst=jst, expert=expert)
    return expert


def login(client, user, password=PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token(client, path):
    """Fetch a page and return the CSRF token from its first form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@contextmanager
def recorded_queries():
    """The SQL statements run inside the block, in order: for tests that bound the number of
    queries a page or a service needs."""
    statements = []
    original = db.obj.execute_sql

    def recording(sql, *args, **kwargs):
        statements.append(sql)
        return original(sql, *args, **kwargs)

    db.obj.execute_sql = recording
    try:
        yield statements
    finally:
        db.obj.execute_sql = original


def page_queries(client, path, warm=False):
    """The SQL statements a GET of `path` runs; the page must answer 200. The page is built
    afresh (nothing kept by services.kept) unless `warm`."""
    if not warm:
        kept.forget()
    with recorded_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return statements


class World:
    """Two JSTs with a team and an expert each, plus a coordinator and an admin."""

    def __init__(self):
        self.jst = make_jst("Gmina Własna")
        self.other_jst = make_jst("Gmina Obca")
        self.participant = add_member(self.jst, make_user("participant"))
        self.teammate = add_member(self.jst, make_user("participant"))
        self.other_participant = add_member(self.other_jst, make_user("participant"))
        add_member(self.other_jst, make_user("participant"))
        self.expert = assign_expert(self.jst, make_user("expert"))
        self.other_expert = assign_expert(self.other_jst, make_user("expert"))
        self.coordinator = make_user("coordinator")
        self.admin = make_user("admin")

    def user(self, role):
        return {
            "admin": self.admin,
            "coordinator": self.coordinator,
            "expert_own": self.expert,
            "expert_other": self.other_expert,
            "participant_own": self.participant,
            "participant_other": self.other_participant,
        }[role]


@pytest.fixture
def world(app):
    return World()


def pytest_collection_modifyitems(items):
    """The browser tests first: `make test` gives each of its two processes whole files
    (--dist loadfile) in this order, so the longest files (the crawls, the journeys) start at once
    and the short ones fill in around them, instead of one long file running alone at the end."""
    items.sort(key=lambda item: "/e2e/" not in item.nodeid and "tests/e2e/" not in item.nodeid)
