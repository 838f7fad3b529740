"""Issue 29.5: every coordinator page makes as many SQL queries with many JSTs as with few.

The demo and 16 JSTs of the TERYT register (seed-scale) with the programme's activity
(services.demo.seed_activity), then 100 more of each: every page the coordinator reaches from
the home page (the crawl of tests/crawl.py: one page of each kind, as the axe and HTML crawls),
built afresh (as right after a write) and kept (warm), must run the same number of queries at
both sizes; and the last page of every paginated list at the large size as many as its first
page at the small one."""

import re
from datetime import timedelta
from pathlib import Path

import extensions
from services import demo, kept
from tests import crawl
from tests.conftest import recorded_queries

REGISTER = Path(__file__).resolve().parents[2] / "data" / "TERC_Urzedowy_2024-01-01.csv"
PASSWORD = "demo-haslo-123"


def _grow(app, count):
    demo.seed_scale(count, PASSWORD, app.config["PASSWORD_HASH_METHOD"], REGISTER)
    assert demo.seed_activity() == count


def _queries(client, path, warm):
    if not warm:
        kept.forget()
    with recorded_queries() as statements:
        response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    # the session's own row is written when its data changes (a form's first CSRF token, the
    # last-seen time): once per session whatever the size, not a cost of the page
    statements = [sql for sql in statements if not sql.startswith('UPDATE "user_session"')]
    return len(statements), response.get_data(as_text=True)


def _counts(client, paths):
    """{path: (queries built afresh, queries kept)}, and the paths' last pages {path: url}."""
    counts, last = {}, {}
    for path in paths:
        cold, html = _queries(client, path, warm=False)
        counts[path] = (cold, _queries(client, path, warm=True)[0])
        pages = re.search(r"Strona 1 z (\d+)", html)
        if pages and int(pages.group(1)) > 1:
            # the pager's own argument: a page with two lists pages the second with strona2
            argument = re.search(rf"[?&;](strona\d*)={pages.group(1)}\b", html)
            name = argument.group(1) if argument else "strona"
            last[path] = f"{path}{'&' if '?' in path else '?'}{name}={pages.group(1)}"
    return counts, last


def test_every_coordinator_page_makes_as_many_queries_at_120_jsts_as_at_20(app, monkeypatch):
    # the session's last-seen time is written once a minute: not in the middle of the counts
    monkeypatch.setattr(extensions, "_TOUCH_EVERY", timedelta(days=1))
    demo.seed(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
    _grow(app, 16)
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "koordynator@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    paths = crawl.walk(client, "coordinator")
    assert len(paths) > 60  # the crawl reached the coordinator's whole menu
    client.get("/")  # a session's first requests also refresh it
    small, _ = _counts(client, paths)
    _grow(app, 100)
    large, last = _counts(client, paths)
    assert {p: (small[p], large[p]) for p in paths if small[p] != large[p]} == {}
    # the lists are cut in SQL: their last page costs what the first did with few rows
    assert len(last) >= 5, last
    assert {
        p: (small[p], c) for p, u in last.items() if (c := _counts(client, [u])[0][u]) != small[p]
    } == {}
