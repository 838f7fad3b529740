"""The progress board /przeglad (issue 17): counts, filters, sorting, pages and exports against a
small hand-built programme; the number of queries does not grow with the number of JSTs."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from models.plans import Plan
from models.programme import Attendance, Module
from tests.board.conftest import _signed
from tests.conftest import add_member, assign_expert, login, make_jst, make_user, page_queries

TODAY = date.today()


def _names(page):
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r'<td[^>]*><a href="/jst/\d+">([^<]+)</a></td>', body)


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_coordinator_home_is_the_board_with_counts(client, world, programme):
    login(client, world.coordinator)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/przeglad")
    page = _get(client, "/przeglad")
    assert _names(page) == ["Gmina Obca", "Gmina Własna", "Miasto Łódź Testowe"]
    text = re.sub(r"<[^>]+>", "", page)
    for expected in (
        "Nierozpoczęty: 1",
        "Szkic: 0",
        "Przekazany do opiniowania: 1",
        "Do poprawy: 0",
        "Zatwierdzony: 1",
        "brak podpisanej deklaracji współpracy: 2",
        "brak podpisanych oświadczeń uczestników: 2",
        "frekwencja poniżej progu zaświadczenia: 2",
        "brak wizyty eksperta: 2",
        "grupa I: 2",
        "grupa II: 1",
        "grupa III: 0",
    ):
        assert expected in text, expected
    row = page.split(">Gmina Własna</a>", 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells == [
        "gmina wiejska",
        "I",
        "mazowieckie",
        world.expert.full_name,
        "2",
        "Przekazany do opiniowania",
        cells[6],  # today's date
        "tak",
        "2 / 2",
        "100 %",
        "1 / 1",
        "brak",
        "&lt; 3",  # one answer to a closed survey: who answered only from 3 up (issue 25.3)
        "1",
    ]
    row = page.split(">Gmina Obca</a>", 1)[1].split("</tr>", 1)[0]
    assert "33 %" in row and "10 maja 2017" in row and "0 / 2" in row and "1 / 0" in row


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=submitted", ["Gmina Własna"]),
        ("status=none", ["Miasto Łódź Testowe"]),
        ("status=accepted", ["Gmina Obca"]),
        ("status=returned", []),
        ("grupa=2", ["Miasto Łódź Testowe"]),
        ("rodzaj=gmina_wiejska", ["Gmina Obca", "Gmina Własna"]),
        ("woj=10", ["Miasto Łódź Testowe"]),
        ("woj=14", ["Gmina Obca", "Gmina Własna"]),
        ("brak=deklaracja", ["Gmina Obca", "Miasto Łódź Testowe"]),
        ("brak=oswiadczenia", ["Gmina Obca", "Miasto Łódź Testowe"]),
        ("brak=obecnosc", ["Gmina Obca", "Miasto Łódź Testowe"]),
        ("brak=wizyta", ["Gmina Własna", "Miasto Łódź Testowe"]),
        ("q=LODZ", ["Miasto Łódź Testowe"]),
        ("q=gmina", ["Gmina Obca", "Gmina Własna"]),
        ("brak=deklaracja&brak=wizyta", ["Miasto Łódź Testowe"]),
        ("grupa=1&brak=obecnosc", ["Gmina Obca"]),
        ("sort=-nazwa", ["Miasto Łódź Testowe", "Gmina Własna", "Gmina Obca"]),
        ("sort=obecnosc", ["Miasto Łódź Testowe", "Gmina Obca", "Gmina Własna"]),
        ("sort=-zespol", ["Gmina Obca", "Gmina Własna", "Miasto Łódź Testowe"]),
        ("sort=wizyta", ["Gmina Obca", "Gmina Własna", "Miasto Łódź Testowe"]),
        # labelled columns sort by their label, in Polish order (ł before m)
        ("sort=rodzaj", ["Miasto Łódź Testowe", "Gmina Obca", "Gmina Własna"]),
        ("sort=woj", ["Miasto Łódź Testowe", "Gmina Obca", "Gmina Własna"]),
        ("sort=-woj", ["Gmina Obca", "Gmina Własna", "Miasto Łódź Testowe"]),
        ("sort=ekspert", ["Gmina Własna", "Gmina Obca", "Miasto Łódź Testowe"]),
        ("sort=status", ["Miasto Łódź Testowe", "Gmina Własna", "Gmina Obca"]),
        ("sort=-status", ["Gmina Obca", "Gmina Własna", "Miasto Łódź Testowe"]),
        ("sort=-zadania", ["Gmina Obca", "Gmina Własna", "Miasto Łódź Testowe"]),
        ("sort=-deklaracja", ["Gmina Własna", "Gmina Obca", "Miasto Łódź Testowe"]),
        ("brak=wizyta&sort=-ankiety", ["Gmina Własna", "Miasto Łódź Testowe"]),
        ("q=lodz&brak=obecnosc&status=none", ["Miasto Łódź Testowe"]),
    ],
)
def test_filters_and_sorting(client, world, programme, query, expected):
    login(client, world.coordinator)
    assert _names(_get(client, f"/przeglad?{query}")) == expected
    lines = list(csv.reader(io.StringIO(_get(client, f"/przeglad.csv?{query}")), delimiter=";"))
    assert [line[0] for line in lines[1:]] == expected


def test_expert_filter_and_the_experts_own_board(client, world, programme):
    login(client, world.coordinator)
    assert _names(_get(client, f"/przeglad?ekspert={world.expert.id}")) == ["Gmina Własna"]
    client.post("/logout")
    login(client, world.expert)
    page = _get(client, "/przeglad")
    assert _names(page) == ["Gmina Własna"]
    assert "Gmina Obca" not in page
    lines = _get(client, "/przeglad.csv").splitlines()
    assert len(lines) == 2 and "Gmina Własna" in lines[1]


@pytest.mark.parametrize(
    "query",
    [
        "status=nieznany",
        "grupa=7",
        "grupa=abc",
        "rodzaj=%27%3B+DROP",
        "woj=99",
        "ekspert=abc",
        "ekspert=99999999999999999999",
        "brak=cos",
        "sort=id%3Bdrop",
        "strona=abc",
        "strona=-3",
        "strona=999999",
    ],
)
def test_unknown_values_give_the_first_page_or_a_polish_message(client, world, programme, query):
    login(client, world.coordinator)
    page = _get(client, f"/przeglad?{query}")
    assert _names(page) == ["Gmina Obca", "Gmina Własna", "Miasto Łódź Testowe"] or (
        "ekspert=" in query and "Brak JST spełniających kryteria" in page
    )
    if not query.startswith("strona"):
        assert "Pominięto nieznane wartości filtrów" in page or query.startswith("ekspert=999")


def test_export_is_the_filtered_board_as_text(client, world, programme):
    make_jst("=HYPERLINK(1)", kind="gmina_miejska", teryt="1061011")
    login(client, world.coordinator)
    response = client.get("/przeglad.xlsx?grupa=2")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Nazwa JST", "Rodzaj", "Grupa"]
    assert [r[0] for r in rows[1:]] == ["Miasto Łódź Testowe", "=HYPERLINK(1)"]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)
    assert rows[1][8:12] == ["nie", "0 / 1", "0 %", "0 / 0"]
    assert rows[2][8:12] == ["nie", "0 / 0", "—", "0 / 0"]  # no team: no attendance share
    text = _get(client, "/przeglad.csv?grupa=2")
    assert text.startswith("\ufeff") and "'=HYPERLINK(1)" in text


def _more_jsts(n, module):
    expert = make_user("expert")
    for i in range(n):
        jst = make_jst(f"Gmina Dodatkowa {i:03}")
        assign_expert(jst, expert)
        member = add_member(jst)
        Attendance.create(module=module, user=member, day=1)
        Plan.create(jst=jst, status="draft")
        _signed("oswiadczenie", participant=member)


def test_query_count_and_pages_do_not_depend_on_the_number_of_jsts(client, world, programme):
    login(client, world.coordinator)
    paths = ["/przeglad", "/przeglad?brak=wizyta&sort=-obecnosc", "/przeglad.csv", "/raport"]
    page_queries(client, "/przeglad")  # the first request of a session also refreshes it
    small = [len(page_queries(client, p)) for p in paths]
    _more_jsts(60, Module.get())
    assert [len(page_queries(client, p)) for p in paths] == small
    first = _names(_get(client, "/przeglad"))
    second = _names(_get(client, "/przeglad?strona=2"))
    assert len(first) == 50 and len(second) == 13 and not set(first) & set(second)
    assert "Strona 2 z 2" in _get(client, "/przeglad?strona=2")


def test_jst_page_shows_the_state_what_is_missing_and_the_next_action(client, world, programme):
    lodz, _member = programme
    login(client, world.coordinator)
    page = client.get(f"/jst/{lodz.id}").get_data(as_text=True)
    state = page.split('id="state-h"')[1].split("</section>")[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", state))
    assert "Plan: Nierozpoczęty" in text
    for missing in (
        "zespół ma mniej niż 2 osoby",
        "ekspert opiekun",
        "podpisana deklaracja współpracy",
        "podpisane oświadczenia uczestników (0 / 1)",
        "wizyta eksperta",
    ):
        assert missing in text, missing
    assert f'href="/jst/{lodz.id}/zespol/dodaj">Dodaj członka zespołu' in state
    actions = page.split('aria-label="Czynności dla JST"')[1].split("</nav>")[0]
    for group in ("Plan", "Dokumenty", "JST i zespół", "Program"):
        assert f'<h3 class="h6">{group}</h3>' in actions
    page = client.get(f"/jst/{world.jst.id}").get_data(as_text=True)
    state = page.split('id="state-h"')[1].split("</section>")[0]
    assert "Przekazany do opiniowania" in state and f"/jst/{world.jst.id}/plan/czytaj" in state
    assert "podpisana deklaracja" not in state
    client.post("/logout")
    login(client, world.participant)  # the team keeps its own page (no coordinator's panel)
    page = client.get(f"/jst/{world.jst.id}").get_data(as_text=True)
    assert 'id="state-h"' not in page and "Plan JST" in page
