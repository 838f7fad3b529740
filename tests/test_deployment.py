"""Issue 25.8–25.9 as an operator and a user see them: the app refuses to start without a queue
on PostgreSQL, /readyz says whether the queue answers, a new SECRET_KEY retires the old calendar
addresses, a full temporary directory gives the PDF's Polish 503, one charset per text download,
and any number of `init-db` at once on a fresh database."""

import errno
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest

from app import ConfigurationError, create_app
from models.programme import Module
from tests.conftest import PG_URL, login
from tests.servers import server_env

ROOT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/11"


def _queued_app(app_config, **config):
    return create_app(
        dict(app_config, QUEUE_IMMEDIATE=False, QUEUE_NAME="planjst-deploy", **config)
    )


# ---------- 25.8: no queue on PostgreSQL ----------


def test_postgresql_without_a_queue_url_refuses_to_start(app_config):
    config = dict(app_config, DATABASE_URL="postgresql://planjst@127.0.0.1:1/planjst")
    with pytest.raises(ConfigurationError, match="QUEUE_URL"):
        create_app(dict(config, QUEUE_IMMEDIATE=False))
    create_app(dict(config, QUEUE_IMMEDIATE=False, QUEUE_URL=REDIS))  # named: it starts
    create_app(config)  # the tests' immediate mode needs no queue


# ---------- 25.8: the readiness check ----------


def test_readyz_reports_the_queue(app_config, tmp_path):
    app = _queued_app(app_config, QUEUE_URL=REDIS)
    response = app.test_client().get("/readyz", headers={"Host": "10.0.0.5"})
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "queue": "ok", "queued": 0}

    wrong_port = _queued_app(app_config, QUEUE_URL="redis://127.0.0.1:1/11")
    response = wrong_port.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "queue": "error"}
    assert wrong_port.test_client().get("/healthz").status_code == 200  # the server itself lives

    sqlite = _queued_app(app_config, QUEUE_URL=f"sqlite:///{tmp_path}/queue.sqlite3")
    assert sqlite.test_client().get("/readyz").get_json()["queue"] == "ok"


def test_readyz_does_not_hang_on_a_redis_that_never_answers(app_config):
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        app = _queued_app(app_config, QUEUE_URL=f"redis://127.0.0.1:{port}/11")
        response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["queue"] == "error"


# ---------- 25.9: a new SECRET_KEY changes the calendar addresses ----------


def test_a_new_secret_key_retires_the_old_calendar_addresses(app, world, client):
    app.config["BASE_URL"] = "https://plan.example.org"
    login(client, world.participant)
    client.post("/konto/kalendarz")
    page = client.get("/konto").get_data(as_text=True)
    old = page.split('value="https://plan.example.org', 1)[1].split('"', 1)[0]
    anonymous = app.test_client()
    assert anonymous.get(old).status_code == 200
    app.config["SECRET_KEY"] = "a-new-secret-key"
    assert anonymous.get(old).status_code == 404
    page = client.get("/konto").get_data(as_text=True)
    assert old not in page  # the account page does not show an address that no longer works
    client.post("/konto/kalendarz")
    page = client.get("/konto").get_data(as_text=True)
    new = page.split('value="https://plan.example.org', 1)[1].split('"', 1)[0]
    assert new != old and anonymous.get(new).status_code == 200


# ---------- 25.9: a full temporary directory ----------


def test_a_pdf_asked_while_the_temporary_directory_is_full_is_a_polish_503(
    app, world, client, monkeypatch
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, world.coordinator)
    response = client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.pdf")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Nie udało się zapisać pliku, proszę spróbować później." in text  # said by the worker


# ---------- 25.9: one charset ----------


def test_text_downloads_name_their_charset_once(app, world, client):
    module = Module.create(number=1, start_date=date(2027, 6, 14), end_date=date(2027, 6, 15))
    login(client, world.coordinator)
    assert client.get("/przeglad.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        client.get(f"/moduly/{module.id}.ics").headers["Content-Type"]
        == "text/calendar; charset=utf-8"
    )
    client.post("/logout")
    login(client, world.participant)
    client.post("/konto/kalendarz")
    page = client.get("/konto").get_data(as_text=True)
    feed = re.search(r'value="[^"]*(/kalendarz/[^"]+\.ics)"', page).group(1)
    assert app.test_client().get(feed).headers["Content-Type"] == "text/calendar; charset=utf-8"


# ---------- 25.9: init-db on several servers at once ----------


def _fresh_database(tmp_path):
    if not PG_URL:
        return f"sqlite:///{tmp_path}/fresh.sqlite3"
    from urllib.parse import urlparse, urlunparse

    import psycopg2

    name = urlparse(PG_URL).path.lstrip("/") + "_initdb"
    admin = psycopg2.connect(urlunparse(urlparse(PG_URL)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunparse(urlparse(PG_URL)._replace(path="/" + name))


def test_init_db_run_by_three_servers_at_once_succeeds_everywhere(app, tmp_path):
    url = _fresh_database(tmp_path)
    env = server_env(app, DATABASE_URL=url, QUEUE_URL=f"sqlite:///{tmp_path}/queue.sqlite3")
    flask = Path(sys.executable).parent / "flask"
    runs = [
        subprocess.Popen(
            [str(flask), "--app", "app", "init-db"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sum("Zastosowano migracje" in out for out in outputs) == 1, outputs
    assert sum("Baza jest aktualna." in out for out in outputs) == 2, outputs
