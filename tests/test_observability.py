"""What operators see (issue 31): one JSON line per request with the request id the error page
shows, /metrics for the configured addresses only, and nothing personal in any log."""

import json
import logging
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from prometheus_client import REGISTRY
from pythonjsonlogger.json import JsonFormatter

from models import User
from models.participants import ParticipantData
from services import participants
from tests.batches import start
from tests.conftest import login

DEMO_PASSWORD = "demo-haslo-123"


def _lines(caplog):
    """The log records as the JSON lines production writes."""
    formatter = JsonFormatter("{asctime}{levelname}{name}{message}", style="{")
    return [json.loads(formatter.format(record)) for record in caplog.records]


def _requests(caplog):
    return [line for line in _lines(caplog) if line["name"] == "planjst.request"]


def test_a_request_is_one_json_line_naming_the_user_by_id(client, world, caplog):
    caplog.set_level(logging.INFO)
    login(client, world.participant)
    caplog.clear()
    response = client.get("/konto")
    (line,) = _requests(caplog)
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{16}", line["request_id"])
    assert line["user_id"] == world.participant.id and line["endpoint"] == "auth.account"
    assert line["status"] == 200 and line["method"] == "GET"
    assert line["duration_ms"] >= 0 and line["bytes"] == len(response.data)
    assert world.participant.email not in json.dumps(line)


def test_the_error_page_shows_the_request_id_of_its_log_lines(app, client, world, caplog):
    caplog.set_level(logging.INFO)

    def broken():
        raise RuntimeError("awaria")

    app.add_url_rule("/test-awaria", "test_broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page
    login(client, world.participant)
    caplog.clear()
    response = client.get("/test-awaria")
    assert response.status_code == 500
    request_id = response.headers["X-Request-Id"]
    assert f'kod zgłoszenia: <span class="font-monospace">{request_id}</span>' in (
        response.get_data(as_text=True)
    )
    lines = _lines(caplog)
    (error,) = [line for line in lines if line["levelname"] == "ERROR"]
    assert error["request_id"] == request_id  # the traceback is found by the code
    (request,) = _requests(caplog)
    assert request["request_id"] == request_id and request["status"] == 500
    missing = client.get("/nie-ma-takiej-strony")
    assert missing.headers["X-Request-Id"] in missing.get_data(as_text=True)


def test_metrics_answer_only_the_configured_addresses(app, client, world):
    before = REGISTRY.get_sample_value("planjst_failed_logins_total") or 0
    client.post("/login", data={"email": world.participant.email, "password": "zle-haslo"})
    assert REGISTRY.get_sample_value("planjst_failed_logins_total") == before + 1
    client.get("/healthz")
    page = client.get("/metrics")
    assert page.status_code == 200 and page.mimetype == "text/plain"
    assert page.headers["Content-Type"].count("charset") == 1
    text = page.get_data(as_text=True)
    for name in (
        'planjst_requests_total{endpoint="main.healthz",method="GET",status="200"}',
        "planjst_request_seconds_bucket",
        "planjst_failed_logins_total",
        "planjst_outbox_messages",
        "planjst_outbox_oldest_seconds",
        "planjst_job_oldest_queued_seconds",
        "planjst_data_version",
    ):
        assert name in text, name
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert outside.status_code == 404
    app.config["METRICS_FROM"] = "10.0.0.0/8"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics").status_code == 404


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _walk(client, limit):
    """GET up to `limit` pages of this site reachable from the home page."""
    seen, queue = set(), ["/"]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or "wyloguj" in path or path.endswith((".docx", ".pdf", ".zip")):
            continue
        seen.add(path)
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        for href in parser.links:
            target = urljoin(url, href)
            if target.startswith("/") and urlsplit(target).path not in seen:
                queue.append(target)


@pytest.mark.slow
def test_no_personal_data_in_any_log(app, caplog):
    """The demo's participants' PESELs, e-mails and names appear in no log line of a walk
    through the app as each role, failed logins and a search by name included."""
    caplog.set_level(logging.DEBUG)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD]).exit_code == 0
    people = []
    for record in ParticipantData.select():
        values = participants.read(record.user, actor=record.user)
        people.append((values["pesel"], record.user.email, record.user.full_name))
    assert len(people) >= 5
    for email in ("uczestnik1@example.org", "ekspert1@example.org", "koordynator@example.org"):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "niepoprawne"})
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        _walk(client, 40)
    coordinator = app.test_client()
    coordinator.post("/login", data={"email": "koordynator@example.org", "password": DEMO_PASSWORD})
    coordinator.get("/uczestnicy", query_string={"q": people[0][2]})
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in _lines(caplog))
    assert len(_requests(caplog)) > 60
    for pesel, email, name in people:
        for value in (pesel, email, name, *name.split()):
            assert value not in text, value
    assert User.select().count() > 10


def test_a_job_is_one_json_line_and_a_metric(client, world, caplog):
    caplog.set_level(logging.INFO)
    login(client, world.coordinator)
    before = REGISTRY.get_sample_value(
        "planjst_job_seconds_count", {"kind": "documents.zip", "outcome": "done"}
    )
    job_id, page = start(client, "/zadania-w-tle/dokumenty/deklaracja/zip")
    assert "Pobierz" in page
    (line,) = [line for line in _lines(caplog) if line["name"] == "planjst.job"]
    assert line["job_id"] == job_id and line["kind"] == "documents.zip"
    assert line["outcome"] == "done" and line["user_id"] == world.coordinator.id
    assert line["duration_ms"] >= 0 and line["wait_ms"] >= 0 and line["attempt"] == 1
    after = REGISTRY.get_sample_value(
        "planjst_job_seconds_count", {"kind": "documents.zip", "outcome": "done"}
    )
    assert after == (before or 0) + 1
    assert "planjst_job_queue_wait_seconds_bucket" in client.get("/metrics").get_data(as_text=True)
