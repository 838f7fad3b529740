"""The chrome every page shares, built once per role and process (issue 21): each role's menu,
the current entry, the unread badge, the session-expiry data and CSRF on every form are what
they were; the chrome costs the same fixed number of queries whatever the page."""

import re

from models import db
from models.review import Notification
from tests.board.test_navigation import EXPERT_MENU, PARTICIPANT_MENU
from tests.conftest import PASSWORD, csrf_token, login, page_queries


def _menus(page):
    """The wide menu and the phone (<details>) menu: (label, href, current) each."""
    link = r'<a class="app-menu-link[^"]*"( aria-current="page")? href="([^"]+)">([^<]+)'
    wide = page.split('<div class="app-menu-wide">', 1)[1].split("</div>", 1)[0]
    narrow = page.split('<details class="app-menu-narrow">', 1)[1].split("</details>", 1)[0]
    return [[(t.strip(), h, bool(c)) for c, h, t in re.findall(link, m)] for m in (wide, narrow)]


def test_each_role_sees_its_menu_with_the_current_page_marked(client, world):
    expected = {
        "participant": ("/", PARTICIPANT_MENU),
        "expert": ("/", EXPERT_MENU),
        "admin": ("/uzytkownicy", None),
        "coordinator": ("/moduly", None),
    }
    for role, (path, labels) in expected.items():
        user = getattr(world, role)
        login(client, user)
        page = client.get(path).get_data(as_text=True)
        wide, narrow = _menus(page)
        assert wide == narrow  # the phone menu is the same menu
        areas = [entry for entry in wide if entry[0] not in ("Powiadomienia", user.full_name)]
        if labels:
            assert [label for label, _, _ in areas] == labels
        current = [href for _, href, is_current in areas if is_current]
        assert current == {"coordinator": ["/obszar/program"]}.get(role, [path]), role
        # a page outside the menu marks nothing; the menu is the same
        other = _menus(client.get("/konto").get_data(as_text=True))[0]
        assert [(label, href) for label, href, _ in other] == [(lb, h) for lb, h, _ in wide]
        assert not any(c for label, _, c in other if label != "Powiadomienia")
        client.post("/logout")
    login(client, world.admin)
    labels = [label for label, _, _ in _menus(client.get("/uzytkownicy").get_data(as_text=True))[0]]
    assert labels[:3] == ["Start", "Użytkownicy", "Dziennik zdarzeń"]


def test_unread_badge_and_session_warning_data(client, world):
    login(client, world.participant)
    page = client.get("/konto").get_data(as_text=True)
    assert "nieprzeczytan" not in page
    assert 'data-session-url="/konto/sesja"' in page
    assert re.search(r'data-idle-seconds="\d+" data-warning-seconds="\d+"', page)
    with db.atomic():
        for _ in range(2):
            Notification.create(user=world.participant, kind="x", text="Nowa uwaga", url="/")
    page = client.get("/konto").get_data(as_text=True)
    assert '2<span class="visually-hidden"> nieprzeczytane</span>' in page
    page = client.get("/powiadomienia").get_data(as_text=True)
    wide, _ = _menus(page)
    assert [e for e in wide if e[2]] == [("Powiadomienia", "/powiadomienia", True)]


def test_every_form_of_the_account_page_carries_the_token(csrf_app, client, world):
    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={"csrf_token": token, "email": world.coordinator.email, "password": PASSWORD},
    )
    page = client.get("/konto").get_data(as_text=True)
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    # logout (wide and phone menu), "log out everywhere", the calendar feed's renewal
    assert len(forms) == 4
    tokens = {re.search(r'name="csrf_token"[^>]*value="([^"]+)"', f).group(1) for f in forms}
    assert len(tokens) == 1
    # the token works: "log out everywhere" goes through
    response = client.post("/konto/wyloguj-wszedzie", data={"csrf_token": tokens.pop()})
    assert response.status_code == 302


STATIC = "/deklaracja-dostepnosci"


def test_the_chrome_costs_a_fixed_number_of_queries(client, world):
    for user, pages in [
        # pages whose own content reads nothing: what they cost is the chrome
        (world.coordinator, [STATIC, "/obszar/program", "/obszar/administracja"]),
        (world.participant, [STATIC]),
    ]:
        login(client, user)
        page_queries(client, STATIC)  # the first request of a session also refreshes it
        counts = {path: len(page_queries(client, path)) for path in pages}
        assert set(counts.values()) == {2}, counts  # the session, the unread count
        unread = [s for s in page_queries(client, STATIC) if "notification" in s.lower()]
        assert len(unread) == 1  # the badge: one query
        client.post("/logout")
