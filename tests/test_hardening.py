"""Findings of the outside audit (issue 15): the Host header, redirects after login, cross-site
posts, error pages without a database, a full temporary directory, response headers."""

import errno
import io
import logging
import socket
import tempfile

import peewee
import pytest

from app import create_app
from models import User, db
from models.mail import OutboxMessage
from models.plans import PendingInput
from tests.conftest import PASSWORD, browser_client, csrf_token, login
from tests.servers import request as http_request
from tests.servers import server_env, servers

PUBLIC = "https://planjst.example.org"


# ---------- 1: links from BASE_URL, only the hosts we serve ----------


def test_a_forged_host_header_is_refused_and_never_lands_in_a_link(app, world):
    app.config.update(SMTP_HOST="smtp.example.org", BASE_URL=PUBLIC)
    client = app.test_client()
    response = client.post(
        "/haslo/nie-pamietam",
        data={"email": world.participant.email},
        base_url="http://attacker.example",
    )
    assert response.status_code == 400
    assert OutboxMessage.select().count() == 0

    response = client.post("/haslo/nie-pamietam", data={"email": world.participant.email})
    assert response.status_code == 302  # a host we serve (the test client's localhost)
    (message,) = OutboxMessage.select()
    assert f"{PUBLIC}/haslo/ustaw/" in message.body
    assert "localhost" not in message.body


def test_a_link_shown_to_the_admin_comes_from_base_url(client, app, world):
    app.config["BASE_URL"] = PUBLIC
    login(client, world.admin)
    page = client.post(f"/uzytkownicy/{world.participant.id}/link-hasla").get_data(as_text=True)
    assert f"{PUBLIC}/haslo/ustaw/" in page and "http://localhost" not in page


def test_trusted_hosts_come_from_base_url_and_the_extras(app_config):
    config = dict(app_config, BASE_URL=PUBLIC + "/", TRUSTED_HOSTS_EXTRA="plan.intranet")
    client = create_app(config).test_client()
    assert client.get("/login", base_url=PUBLIC).status_code == 200
    assert client.get("/login", base_url="http://plan.intranet:8080").status_code == 200
    page = client.get("/login", base_url="http://planjst.example.org.attacker.example")
    assert page.status_code == 400 and "nie obsługuje adresu" in page.get_data(as_text=True)


def test_a_health_check_by_the_server_address_is_answered(client):
    assert client.get("/healthz", base_url="http://10.0.0.5:8000").get_json() == {"status": "ok"}
    assert client.get("/login", base_url="http://10.0.0.5:8000").status_code == 400


def test_behind_a_proxy_x_forwarded_host_is_ignored_unless_configured(app_config):
    forged = {"X-Forwarded-Host": "attacker.example", "X-Forwarded-For": "10.0.0.1"}
    client = create_app(dict(app_config, PROXY_COUNT=1)).test_client()
    assert client.get("/login", headers=forged).status_code == 200  # the Host header is used
    trusting = dict(app_config, PROXY_COUNT=1, PROXY_FORWARDS_HOST=True)
    client = create_app(trusting).test_client()
    assert client.get("/login", headers=forged).status_code == 400  # used, and refused


# ---------- 6: where the login may send the user ----------


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%09%09/evil.example",
        "/%0a/x",
        "/%0d/x",
        "/%0d%0aSet-Cookie:%20x=1",
        "%5C%5Cevil.example",
        "/%5Cevil.example",
        "/%5C/evil.example",
        "//evil.example",
        "/%2F/evil.example",
        "%20//evil.example",
        "https://evil.example/",
        "/%00/evil.example",
        "/%7F/evil.example",
    ],
)
def test_login_never_redirects_off_site(client, world, target):
    response = client.post(
        f"/login?next={target}",
        data={"email": world.participant.email, "password": "haslo-testowe-1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_returns_to_a_page_of_this_site(client, world):
    target = f"/jst/{world.jst.id}/plan/wizja?krok=1"
    response = client.post(
        f"/login?next={target}",
        data={"email": world.participant.email, "password": "haslo-testowe-1"},
    )
    assert response.headers["Location"] == target


# ---------- 5: a form posted by another site ----------


def _signed_in(app, user):
    client = browser_client(app)
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    return client


def test_a_cross_site_post_keeps_the_session_and_stores_nothing(csrf_app, world):
    victim = _signed_in(csrf_app, world.participant)
    path = f"/jst/{world.jst.id}/plan/wizja"
    attack = {"vision": "Tekst napastnika", "v_vision": "0"}

    # SameSite=Lax: the browser sends no session cookie with another site's POST
    response = csrf_app.test_client().post(
        path, data=attack, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers  # no anonymous session replacing the real one
    assert PendingInput.select().count() == 0
    for headers in ({}, {"Referer": "https://evil.example/form"}, {"Origin": "null"}):
        response = csrf_app.test_client().post(path, data=attack, headers=headers)
        assert response.status_code == 400 and "Set-Cookie" not in response.headers
    assert PendingInput.select().count() == 0

    # a sibling site may send the cookie (same site, other origin): not shown, session kept
    response = victim.post(path, data=attack, headers={"Origin": "https://other.example.org"})
    assert response.status_code == 400
    assert "Tekst napastnika" not in response.get_data(as_text=True)

    page = victim.get(path)
    assert page.status_code == 200  # still signed in
    assert "Tekst napastnika" not in page.get_data(as_text=True)
    assert "Przywrócono zmiany" not in page.get_data(as_text=True)


def test_an_expired_session_keeps_input_sent_from_our_own_page(csrf_app, world):
    path = f"/jst/{world.jst.id}/plan/wizja"
    client = csrf_app.test_client()
    response = client.post(
        path,
        data={"vision": "Wizja z naszej strony", "v_vision": "0"},
        headers={"Referer": f"http://localhost{path}"},  # a browser without Origin
    )
    assert response.status_code == 302 and PendingInput.select().count() == 1


# ---------- 13: error pages without the database ----------


@pytest.fixture
def database_dies(app, monkeypatch):
    """A switch: once flipped, every query fails as on a dead connection."""
    state = {"dead": False}
    execute_sql = db.obj.execute_sql

    def dying(*args, **kwargs):
        if state["dead"]:
            raise peewee.OperationalError("server closed the connection unexpectedly")
        return execute_sql(*args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", dying)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page answers
    return state


def test_the_error_page_renders_when_the_database_dies_mid_request(app, world, database_dies):
    def page_whose_database_dies():
        database_dies["dead"] = True
        return str(User.select().count())

    app.add_url_rule("/test/baza-znika", "database_dies", page_whose_database_dies)
    client = app.test_client()
    login(client, world.coordinator)  # the navigation of a signed-in page queries the database
    response = client.get("/test/baza-znika")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Błąd serwera" in page and 'lang="pl"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers


def test_the_error_page_renders_when_the_database_is_gone_before_the_session(
    app, world, database_dies
):
    client = app.test_client()
    login(client, world.coordinator)
    database_dies["dead"] = True
    response = client.get("/konto")
    assert response.status_code == 500
    assert "Błąd serwera" in response.get_data(as_text=True)


# ---------- 15: a full temporary directory ----------


class _FullDisk(io.BytesIO):
    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_an_upload_into_a_full_temporary_directory_says_so(client, app, world, monkeypatch, caplog):
    login(client, world.coordinator)
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda *args, **kwargs: _FullDisk())
    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = (  # a file over werkzeug's 500 KB kept in memory: spooled to a temporary file
        b"--graniczna\r\n"
        b'Content-Disposition: form-data; name="file"; filename="szablon.docx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        + b"x" * (600 * 1024)
        + b"\r\n--graniczna--\r\n"
    )
    with caplog.at_level(logging.ERROR):
        response = client.post(
            "/dokumenty/szablony/oswiadczenie",
            data=body,
            content_type="multipart/form-data; boundary=graniczna",
        )
    assert response.status_code == 503
    assert "Nie udało się zapisać pliku, proszę spróbować później." in response.get_data(
        as_text=True
    )
    assert any("upload not stored" in r.getMessage() for r in caplog.records)


# ---------- 10: headers ----------


def test_hsts_only_when_the_session_cookie_is_secure(client, app):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_downloads_are_never_stored_in_a_cache(client, world):
    login(client, world.coordinator)
    response = client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def _raw(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received.decode("latin-1")


def test_gunicorn_names_no_server_and_a_malformed_chunked_body_is_a_400(app):
    with servers(server_env(app), count=1) as [(_proc, port)]:
        answer = _raw(port, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = answer.split("\r\n\r\n")[0].lower()
        assert head.startswith("http/1.1 200") and "\r\nserver:" not in head
        answer = _raw(
            port,
            b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\nemail=a\r\n0\r\n\r\n",
        )
        assert answer.startswith("HTTP/1.1 400"), answer[:300]
        assert "\r\nserver:" not in answer.split("\r\n\r\n")[0].lower()
        status, _page, _cookie = http_request(port, "GET", "/login")
        assert status == 200  # the server is fine afterwards
