"""The menu (issue 17): a coordinator's areas grouped into at most seven entries, each a landing
page linking its parts, the current one marked; short menus for the other roles; one menu that
works without JavaScript on a phone (<details>)."""

import re

from tests.conftest import login


def _menu(page):
    wide = page.split('<div class="app-menu-wide">', 1)[1].split("</div>", 1)[0]
    areas = wide.split('<ul class="app-menu-areas">', 1)[1].split("</ul>", 1)[0]
    link = r'<a class="app-menu-link[^"]*"( aria-current="page")? href="([^"]+)">'
    return re.findall(link, areas)


def _labels(page):
    wide = page.split('<div class="app-menu-wide">', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r">([^<>]+)</a>", wide)]


def test_coordinator_menu_has_seven_areas_and_marks_the_current_one(client, world):
    login(client, world.coordinator)
    page = client.get("/przeglad").get_data(as_text=True)
    assert _labels(page) == [
        "Przegląd",
        "JST i zespoły",
        "Plany i opiniowanie",
        "Program",
        "Dokumenty",
        "Uczestnicy",
        "Administracja",
    ]
    assert _menu(page)[0] == (' aria-current="page"', "/przeglad")
    assert sum(1 for current, _ in _menu(page) if current) == 1
    # the pages of an area mark it: a JST's record, a module, the landing page itself
    for path, area in [
        (f"/jst/{world.jst.id}", "/obszar/jst"),
        ("/moduly", "/obszar/program"),
        ("/grupy", "/obszar/jst"),
        ("/po-pilotazu", "/obszar/plany"),
        ("/obszar/program", "/obszar/program"),
        ("/dziennik", "/obszar/administracja"),
        ("/dokumenty", "/dokumenty"),
    ]:
        menu = _menu(client.get(path).get_data(as_text=True))
        assert [href for current, href in menu if current] == [area], path
    # the phone menu is a <details> button with the same links
    assert '<details class="app-menu-narrow">' in page and "<summary>Menu</summary>" in page


def test_landing_pages_link_their_parts(client, world):
    login(client, world.coordinator)
    page = client.get("/obszar/program").get_data(as_text=True)
    for href in ("/moduly", "/obecnosc", "/zadania", "/ankiety", "/zaswiadczenia"):
        assert f'href="{href}"' in page
    page = client.get("/obszar/jst").get_data(as_text=True)
    assert 'href="/jst/import"' in page and 'href="/jst/import/zespoly"' in page
    assert client.get("/obszar/nieznany").status_code == 404


# the short menus of the roles outside the office (also checked, with the current page marked,
# in tests/board/test_chrome.py)
SHARED = ["Moduły", "Zadania", "Ankiety", "Sieci tematyczne", "Biblioteka planów"]
PARTICIPANT_MENU = ["Start", "Moje dane", *SHARED]
EXPERT_MENU = ["Start", "Przegląd", "Opiniowanie", *SHARED]


def test_other_roles_keep_short_menus(client, world):
    login(client, world.participant)
    labels = _labels(client.get("/").get_data(as_text=True))
    assert labels == PARTICIPANT_MENU
    client.post("/logout")
    login(client, world.expert)
    labels = _labels(client.get("/").get_data(as_text=True))
    assert labels == EXPERT_MENU


def test_the_jst_import_button_opens_the_jst_import(client, world):
    login(client, world.coordinator)
    page = client.get("/jst").get_data(as_text=True)
    href = re.search(r'href="([^"]+)">Import JST z CSV', page).group(1)
    assert href == "/jst/import"
    assert "Import JST z pliku CSV" in client.get(href).get_data(as_text=True)
