"""Headers on every response, no inline script, health check, error pages, the admin's
limits."""

import re
from pathlib import Path

import pytest

from app import create_app
from models import db
from tests.conftest import login, make_user


def test_security_headers_everywhere(client):
    for path in ("/login", "/healthz", "/nie-ma-takiej-strony"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_event_handlers_in_templates():
    """The CSP forbids inline script; the templates must not need it (nor inline styles)."""
    offending = []
    for path in sorted(Path(__file__).resolve().parents[1].joinpath("templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"\son[a-z]+\s*=",
            r"<script(?![^>]*\ssrc=)[^>]*>",
            r"\sstyle\s*=",
            "javascript:",
        ):
            offending += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert not offending, offending


def test_polish_error_pages(client):
    response = client.get("/nie-ma-takiej-strony")
    assert response.status_code == 404
    assert "Nie znaleziono" in response.get_data(as_text=True)
    assert 'lang="pl"' in response.get_data(as_text=True)


def test_healthz(client, monkeypatch):
    assert client.get("/healthz").get_json() == {"status": "ok"}

    def broken(*args, **kwargs):
        raise RuntimeError("baza nie odpowiada")

    monkeypatch.setattr(db.obj, "execute_sql", broken)
    assert client.get("/healthz").status_code == 503


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/nie-ma-takiego-katalogu/baza.sqlite3",
        "postgresql://postgres@127.0.0.1:1/nie_ma_takiej_bazy",  # nothing listens on port 1
    ],
)
def test_healthz_is_503_when_the_database_cannot_be_reached(app_config, tmp_path, url):
    config = dict(app_config, DATABASE_URL=url.format(tmp=tmp_path))
    client = create_app(config).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error"}
    client.set_cookie("planjst_sid", "a-signed-in-browser")  # no session lookup either
    assert client.get("/healthz").status_code == 503


def test_admin_sees_accounts_but_no_programme_content(client, world):
    login(client, world.admin)
    assert client.get("/uzytkownicy").status_code == 200
    assert client.get(f"/jst/{world.jst.id}").status_code == 403
    assert client.get("/jst").status_code == 403


def test_only_an_admin_creates_coordinators(client):
    login(client, make_user("coordinator"))
    response = client.post(
        "/uzytkownicy/nowy",
        data={
            "email": "nowy-koord@example.org",
            "full_name": "Nowy Koordynator",
            "role": "coordinator",
        },
    )
    assert response.status_code == 422
    page = client.get("/uzytkownicy/nowy").get_data(as_text=True)
    assert 'value="coordinator"' not in page
