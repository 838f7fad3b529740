"""Issue 27.2: every feature a role may use is in its menu or on its home page, at most two clicks
away. The test opens the demo as each role, follows the links of the home page and of the pages
those links open (the menu is on every page), and fails for a page of that role that nothing
reaches: every parameterless page the role may open, and the pages the issue found hidden."""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from models import Jst, User
from models.programme import Module, Task
from services import demo
from tests import crawl

PASSWORD = "demo-haslo-123"
# pages for someone signed out (sign-in, a forgotten password): not features of a role
PUBLIC = {*crawl.PUBLIC, "/login", "/logout"}
ROLES = {
    "coordinator": "koordynator@example.org",
    "expert": "ekspert1@example.org",
    "participant": "uczestnik1@example.org",
    "admin": "admin@example.org",
}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _links(html):
    parser = _Links()
    parser.feed(html)
    found = set()
    for href in parser.hrefs:
        parts = urlsplit(urldefrag(href)[0])
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        found.add(parts.path)
    return found


def _reached(client):
    """Paths linked from home and from the pages home links to (two clicks). The coordinator's
    menu areas (/obszar/…, issue 17) are the menu's second level, as a drop-down would be."""
    home = client.get("/", follow_redirects=True)
    first = _links(home.get_data(as_text=True)) | {home.request.path}
    for area in [p for p in first if p.startswith("/obszar/")]:
        first |= _links(client.get(area).get_data(as_text=True))
    reached = set(first)
    for path in first:
        if path.startswith(crawl.SKIP) or path.endswith(crawl.DOWNLOADS):
            continue
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            reached |= _links(response.get_data(as_text=True))
    return reached


def _own_pages(app, client):
    """The role's parameterless HTML pages: every GET route without arguments it may open."""
    pages = set()
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        if path.startswith(crawl.SKIP) or path.endswith(crawl.DOWNLOADS) or path in PUBLIC:
            continue
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.add(path)
    return pages


def _hidden_before(role):
    """Pages issue 27 found reachable by nothing (or only through the JST page)."""
    jst = Jst.get(Jst.name == "Gmina Przykładowo")
    if role == "coordinator":
        module = Module.select().order_by(Module.number).first()
        return {"/ogloszenia", "/ogloszenia/nowe", f"/moduly/{module.id}/obecnosc/1"}
    if role == "participant":
        return {
            f"/jst/{jst.id}/wiadomosci",
            f"/jst/{jst.id}/postep",
            "/moje-dane/oswiadczenie.docx",
            "/moje-dane/oswiadczenie.pdf",
            "/zadania",
        }
    if role == "expert":
        return {f"/jst/{jst.id}/wiadomosci", f"/jst/{jst.id}/plan/czytaj"}
    return set()


@pytest.fixture
def demo_app(app):
    demo.seed(PASSWORD, "pbkdf2:sha256:1")
    return app


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_of_a_role_is_reached_from_its_home_in_two_clicks(demo_app, role):
    client = demo_app.test_client()
    user = User.get(User.email == ROLES[role])
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
    reached = _reached(client)
    pages = _own_pages(demo_app, client) | _hidden_before(role)
    missing = sorted(p for p in pages if p not in reached)
    assert not missing, f"{role}: nothing leads to {missing}"


def test_the_participants_home_starts_with_what_waits_for_them(demo_app):
    client = demo_app.test_client()
    client.post("/login", data={"email": ROLES["participant"], "password": PASSWORD})
    html = client.get("/").get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1]
    first = re.search(r"<h2[^>]*>(.*?)</h2>", main).group(1)
    assert first == "Do zrobienia"
    waiting = main.split("</section>", 1)[0]
    assert "następny krok" in waiting
    assert "Wiadomości z ekspertem-mentorem" in waiting
    assert "Oświadczenie uczestnika" in waiting
    assert "grupa robocza na modułach" in main


def test_the_experts_home_lists_plans_and_reports_to_review(demo_app):
    jst = Jst.get(Jst.name == "Gmina Przykładowo")
    task = Task.select().order_by(Task.id).first()
    team = demo_app.test_client()
    team.post("/login", data={"email": ROLES["participant"], "password": PASSWORD})
    expert = demo_app.test_client()
    expert.post("/login", data={"email": ROLES["expert"], "password": PASSWORD})
    assert "Nic nie czeka na opinię" in expert.get("/").get_data(as_text=True)
    assert team.post(f"/jst/{jst.id}/plan/status/przekaz").status_code == 302
    report = f"/jst/{jst.id}/zadania/{task.id}"
    assert team.post(report, data={"text": "Wykonane."}).status_code == 302
    main = expert.get("/").get_data(as_text=True).split('<main id="main"', 1)[1]
    waiting = main.split("</section>", 1)[0]
    assert "Do zrobienia" in waiting
    assert (
        f'Plan do zaopiniowania: <a href="/jst/{jst.id}/plan/czytaj">Gmina Przykładowo</a>'
        in waiting
    )
    assert (
        f'Sprawozdanie do oceny: <a href="{report}">Gmina Przykładowo — {task.title}</a>' in waiting
    )
