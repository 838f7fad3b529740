"""The app served by real gunicorn processes on the test's database, and a tiny HTTP client:
for tests of what only separate processes show (shared state, concurrency, a killed worker)."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

import tasks

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _queue_file(app):
    """The app's queue file, its folder made (the tests move instance_path after create_app)."""
    path = Path(tasks.queue_file(app))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def server_env(app, **config):
    """The environment of a server on `app`'s database and secrets; `config`: more PLANJST_*."""
    return {
        **os.environ,
        "PLANJST_DATABASE_URL": app.config["DATABASE_URL"],
        "PLANJST_SECRET_KEY": app.config["SECRET_KEY"],
        "PLANJST_PII_KEYS": app.config["PII_KEYS"],
        "PLANJST_PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
        # the app's own queue (PostgreSQL refuses to start without one named)
        "PLANJST_QUEUE_URL": app.config["QUEUE_URL"] or f"sqlite:///{_queue_file(app)}",
        **{f"PLANJST_{key}": str(value) for key, value in config.items()},
    }


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(proc, port):
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)


@contextmanager
def servers(env, count=2, threads=1):
    """`count` gunicorn processes (one worker each, `threads` threads) on one database; yields
    [(master process, port)]. Started together, stopped at the end."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    started = []
    for _ in range(count):
        port = _free_port()
        proc = subprocess.Popen(
            [
                str(gunicorn),
                "--workers",
                "1",
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{port}",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append((proc, port))
    try:
        for proc, port in started:
            _wait_listening(proc, port)
        yield started
    finally:
        for proc, _port in started:
            proc.terminate()
        for proc, _port in started:
            try:  # a worker held inside a request waits for gunicorn's graceful timeout
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def request(port, method, path, cookie="", body=None, timeout=30):
    """(status, page text, the session cookie set, if any)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    text = response.read().decode()
    set_cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    conn.close()
    return response.status, text, set_cookie


def login(port, email, password):
    """(status, page, session cookie)."""
    _status, page, cookie = request(port, "GET", "/login")
    token = CSRF.search(page).group(1)
    body = urlencode({"csrf_token": token, "email": email, "password": password})
    status, page, new_cookie = request(port, "POST", "/login", cookie, body)
    return status, page, new_cookie or cookie
