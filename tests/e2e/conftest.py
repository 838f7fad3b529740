"""Browser tests: the seeded app served by gunicorn on a free port, driven by Playwright in
Debian's chromium. Without chromium they are skipped loudly — unless PLANJST_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-haslo-e2e-1"
ARTIFACTS = Path(__file__).parent / "artifacts"
ROLES = {
    "coordinator": "koordynator@example.org",
    "admin": "admin@example.org",
    "expert": "ekspert1@example.org",
    "participant": "uczestnik1@example.org",
}


def _chromium():
    path = shutil.which("chromium")
    if path:
        return path
    message = "brak przeglądarki chromium (apt-get install chromium): testy e2e pominięte"
    if os.environ.get("PLANJST_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " — a PLANJST_REQUIRE_BROWSER=1 tego zabrania")
    pytest.skip(message)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_env(tmp_path_factory):
    """The environment of the served app: a flask command run with it (flask_command) works on
    the database the browser sees."""
    tmp = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        # the served address: the links the app shows and mails are built from it
        "PLANJST_BASE_URL": f"http://127.0.0.1:{_free_port()}",
        "PLANJST_DATABASE_URL": f"sqlite:///{tmp}/e2e.sqlite3",
        "PLANJST_SECRET_KEY": "e2e-test-key-not-secret",
        "PLANJST_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "PLANJST_LOGIN_MAX_FAILS_ADDRESS": "1000",
    }
    env.pop("PLANJST_TEST_DATABASE_URL", None)
    return env


def flask_command(env, *args):
    return subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def live_server(live_env):
    """The demo data set served by gunicorn; yields the base URL."""
    _chromium()
    flask_command(live_env, "init-db")
    flask_command(live_env, "seed-demo", "--password", DEMO_PASSWORD)
    port = urlsplit(live_env["PLANJST_BASE_URL"]).port
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=live_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn nie wystartował")
            time.sleep(0.1)
    # the job queue's consumer: batches started in the browser are built by it
    worker = subprocess.Popen(
        [str(BIN / "flask"), "--app", "app", "worker", "--workers", "1"],
        cwd=ROOT,
        env=live_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield f"http://127.0.0.1:{port}"
    for process in (worker, server):
        process.terminate()
    for process in (worker, server):
        try:  # two cores shared with the other test process: a stop may take its time
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    from playwright.sync_api import expect, sync_playwright

    # CI runs two test processes on two cores: give a page more than the default 5 s.
    expect.set_options(timeout=10_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_as(browser, live_server):
    """page_as(role) → a logged-in page (a fresh browser context per call)."""
    contexts = []

    def open_as(role):
        context = browser.new_context(base_url=live_server, bypass_csp=True, locale="pl-PL")
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Adres e-mail").fill(ROLES[role])
        page.get_by_label("Hasło").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
