"""Two app processes on one database behave as one: no session, throttling or login state in
process memory (on PostgreSQL in CI's second pass, on SQLite in the first)."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[1]


def _serve(env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)


def _request(port, method, path, cookie="", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    text = response.read().decode()
    set_cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    conn.close()
    return response.status, text, set_cookie


def _login(port, email, password):
    _status, page, cookie = _request(port, "GET", "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = f"csrf_token={token}&email={email}&password={password}"
    status, page, new_cookie = _request(port, "POST", "/login", cookie, body)
    return status, page, new_cookie or cookie


@pytest.fixture
def two_servers(app):
    env = {
        **os.environ,
        "PLANJST_DATABASE_URL": app.config["DATABASE_URL"],
        "PLANJST_SECRET_KEY": app.config["SECRET_KEY"],
        "PLANJST_PII_KEYS": app.config["PII_KEYS"],
        "PLANJST_PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
    }
    servers = [_serve(env), _serve(env)]
    yield [port for _proc, port in servers]
    for proc, _port in servers:
        proc.terminate()
        proc.wait(timeout=10)


def test_login_logout_and_throttling_hold_across_processes(two_servers):
    a, b = two_servers
    user = make_user("coordinator")
    status, _page, cookie = _login(a, user.email, PASSWORD)
    assert status == 302
    assert _request(b, "GET", "/konto", cookie)[0] == 200  # logged in on A, works on B
    _s, page, _c = _request(b, "GET", "/konto", cookie)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert _request(a, "POST", "/logout", cookie, f"csrf_token={token}")[0] == 302
    assert _request(b, "GET", "/konto", cookie)[0] == 302  # logged out on A, out on B
    for _ in range(5):
        _login(a, user.email, "zle-haslo-123")
    status, page, _c = _login(b, user.email, PASSWORD)
    assert status == 422 and "Zbyt wiele nieudanych prób logowania" in page
