"""Issue 25.7: a hidden count on /raport (and in its XLSX) cannot be worked out from a total —
neither from its own table's total nor from the total of participants another table gives."""

import io
import re

from openpyxl import load_workbook

from models.participants import ParticipantData
from tests.conftest import add_member, login, make_jst, make_user

# every participant table counts the same people: each one's total is the number of participants
PARTICIPANT_TABLES = ("plec", "wiek", "wyksztalcenie", "rodzaj", "wojewodztwo")
KINDS = {  # kind: a TERYT code in a voivodeship of its own
    "gmina_wiejska": "0201012",
    "gmina_miejska": "0401011",
    "powiat": "0601",
    "gmina_miejsko_wiejska": "0801013",
    "miasto_na_prawach_powiatu": "1061011",
}


def _page_tables(page):
    """{table key: {row label: first column's text}} of the participant tables on the page."""
    tables = {}
    for key in PARTICIPANT_TABLES:
        section = page.split(f'id="r-{key}"')[1].split("</section>")[0]
        tables[key] = {
            label: cell
            for label, cell in re.findall(
                r"<tr><th scope=\"row\">(.*?)</th><td[^>]*>([^<]*)</td>", section, re.S
            )
        }
    return tables


def _xlsx_tables(data):
    """The same from the XLSX: one sheet per table, its title in A1."""
    titles = {
        "Uczestnicy według płci": "plec",
        "Uczestnicy według wieku": "wiek",
        "Uczestnicy według wykształcenia": "wyksztalcenie",
        "Uczestnicy według rodzaju JST": "rodzaj",
        "Uczestnicy i JST według województw": "wojewodztwo",
    }
    return {
        titles[sheet["A1"].value]: {
            row[0].value: row[1].value for row in sheet.iter_rows(min_row=3)
        }
        for sheet in load_workbook(io.BytesIO(data))
        if sheet["A1"].value in titles
    }


def _bounds(text):
    """What a hidden cell's text says of its count: "< 3" is 1 or 2; anything else, unknown."""
    return (1, 2) if text.replace("&lt;", "<") == "< 3" else (0, float("inf"))


def _derivable(tables):
    """The tables with a hidden cell someone could work out: a table whose every count is shown
    gives the number of participants; a table's hidden cells sum to it minus the shown ones, and
    a cell is known when that sum leaves it one possible value."""
    shown = {key: [int(v) for v in t.values() if v.isdigit()] for key, t in tables.items()}
    hidden = {key: [_bounds(v) for v in t.values() if not v.isdigit()] for key, t in tables.items()}
    totals = {sum(shown[key]) for key in tables if not hidden[key]}
    found = []
    for key, cells in hidden.items():
        for total in totals:
            rest = total - sum(shown[key])
            for i, (low, high) in enumerate(cells):
                others = cells[:i] + cells[i + 1 :]
                least = max(low, rest - sum(h for _l, h in others))
                most = min(high, rest - sum(lo for lo, _h in others))
                if least == most and key not in found:
                    found.append(key)
    return found


def _participants(jst, sexes):
    for sex in sexes:
        ParticipantData.create(user=add_member(jst), sex=sex, age_band="25-54", education="")


def _check(client):
    page = client.get("/raport").get_data(as_text=True)
    tables = _page_tables(page)
    assert _derivable(tables) == [], tables
    book = _xlsx_tables(client.get("/raport.xlsx").data)
    assert _derivable(book) == [], book
    return tables, book, page


def test_small_counts_that_add_up_to_a_known_total_stay_hidden(client, app):
    """The issue's case: ten participants, two in each kind of JST (and in each voivodeship);
    the sex table said 10, so the five "< 3" cells could only each be 2."""
    for n, (kind, teryt) in enumerate(KINDS.items()):
        _participants(make_jst(kind=kind, teryt=teryt), "KK" if n == 0 else "KM")
    login(client, make_user("coordinator"))
    tables, book, page = _check(client)
    assert all(not v.isdigit() for v in tables["rodzaj"].values())
    assert all(not v.isdigit() for v in book["rodzaj"].values())
    assert "ukryt" in page.split("<main")[1]  # the page says why a number is missing


def test_one_small_count_is_not_the_total_minus_the_others(client, app):
    """One kind with a single person and the rest shown: the total (from the sex table) minus
    the shown cells would give it — a second cell is hidden with it."""
    _participants(make_jst(kind="gmina_wiejska", teryt="0201012"), "KKKM")
    _participants(make_jst(kind="powiat", teryt="0201"), "KMM")
    _participants(make_jst(kind="gmina_miejska", teryt="0401011"), "K")
    login(client, make_user("coordinator"))
    tables, book, _page = _check(client)
    assert sum(not v.isdigit() for v in tables["rodzaj"].values()) == 2
    assert sum(not v.isdigit() for v in book["wojewodztwo"].values()) == 2
    assert tables["plec"] == {"kobiety": "5", "mężczyźni": "3"}  # nothing to hide there
