"""The coordinator's lists at 1,000 JSTs (issue 17): a page of 50 rows, filters, a page past
the end is the first page, the same number of queries for few and many JSTs, personal data
decrypted only for the rows shown."""

import re
from datetime import date

import pytest

from lib import crypto
from models import TeamMembership
from models.documents import SignedCopy
from models.participants import ParticipantData
from models.plans import Plan
from models.programme import Module, Task
from services import participants, programme
from tests.conftest import add_member, login, make_jst, make_user, page_queries
from tests.participants.test_participant_data import BIRTH, _data

LISTS = [
    "/uczestnicy",
    "/uczestnicy?stan=brak&grupa=1&q=gmina",
    "/opiniowanie",
    "/opiniowanie?status=submitted",
    "/obecnosc",
    "/zadania",
    "/zadania?stan=brak",
    "/po-pilotazu",
    "/wizyty",
    "/dokumenty",
    "/dokumenty?grupa=1&q=gmina",
    "/grupy",
    "/zaswiadczenia",
    "/zaswiadczenia?q=gmina",
]


def _more(n, start=0):
    for i in range(start, start + n):
        jst = make_jst(f"Gmina Seryjna {i:03}")
        add_member(jst)
        Plan.create(jst=jst, status="submitted" if i % 2 else "draft")


@pytest.fixture
def programme_started(world):
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    Task.create(module=module, title="Diagnoza")
    programme.save_groups({world.jst.id: 1, world.other_jst.id: 2})
    return module


def test_query_counts_do_not_grow_with_the_number_of_jsts(client, world, programme_started):
    login(client, world.coordinator)
    page_queries(client, "/uczestnicy")  # the first request of a session also refreshes it
    _more(3)
    small = {path: len(page_queries(client, path)) for path in LISTS}
    _more(60, start=3)
    assert {path: len(page_queries(client, path)) for path in LISTS} == small


def _rows(page):
    """Rows of the page's last table (/zadania has the summary of the tasks above)."""
    body = page.rsplit("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


@pytest.mark.parametrize(
    "path",
    [
        "/uczestnicy",
        "/opiniowanie",
        "/obecnosc",
        "/zadania",
        "/wizyty",
        "/po-pilotazu",
        "/dokumenty",
    ],
)
def test_lists_show_fifty_rows_a_page_and_a_page_past_the_end_is_the_first(
    client, world, programme_started, path
):
    _more(60)
    login(client, world.coordinator)
    first = client.get(path).get_data(as_text=True)
    assert _rows(first) == 50 and "Strona 1 z 2" in first
    second = client.get(f"{path}?strona=2").get_data(as_text=True)
    rest = 14 if path in ("/uczestnicy", "/obecnosc") else 12  # 64 people, 62 JSTs
    if path == "/po-pilotazu":
        rest = 12  # JSTs without an accepted plan
    assert _rows(second) == rest and "Strona 2 z 2" in second
    for bad in ("strona=99", "strona=abc", "strona=-1", "grupa=xyz", "q=" + "x" * 500):
        response = client.get(f"{path}?{bad}")
        assert response.status_code == 200, bad


def test_search_and_filters_are_diacritic_insensitive_and_combinable(
    client, world, programme_started
):
    make_jst("Miasto Łódź Testowe", kind="gmina_miejska")
    login(client, world.coordinator)
    page = client.get("/opiniowanie?q=LODZ").get_data(as_text=True)
    assert "Miasto Łódź Testowe" in page and "Gmina Własna" not in page
    page = client.get("/opiniowanie?q=gmina&grupa=1").get_data(as_text=True)
    assert "Gmina Własna" in page and "Miasto Łódź" not in page
    page = client.get("/zadania?stan=brak&q=wlasna").get_data(as_text=True)
    assert "Gmina Własna" in page and "Gmina Obca" not in page


def test_participant_list_decrypts_nothing(client, world, monkeypatch):
    for i in range(60):
        jst = make_jst(f"Gmina Seryjna {i:03}")
        user = add_member(jst)
        participants.save(
            user,
            {
                **_data(pesel=None),
                "birth_date": BIRTH,
                "sex": "K",
                "no_pesel": True,
                "joined_at": date(2017, 4, 5),
            },
            user,
        )
    calls = []
    original = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: calls.append(1) or original(token))
    login(client, world.coordinator)
    page = client.get("/uczestnicy?q=seryjna").get_data(as_text=True)
    assert _rows(page) == 50 and "Znaleziono: 60" in page
    assert calls == []  # completeness is decided in the database
    assert page.count("<td>kompletne</td>") == 50  # the exact state, for the rows shown


@pytest.mark.parametrize("emptied", [*participants.REQUIRED, "pesel", "clause", None])
def test_participant_list_completeness_agrees_with_the_declaration(client, world, emptied):
    """The list's "kompletne" (SQL, nothing decrypted) for a record lacking one field is what
    the declaration's check of the decrypted record says."""
    user = world.participant
    values = {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)}
    if emptied in values:
        values[emptied] = None if emptied in ("birth_date", "joined_at") else ""
    participants.save(user, values, user)
    if emptied == "clause":
        ParticipantData.update(clause_accepted_at=None).where(
            ParticipantData.user == user
        ).execute()
    expected = not participants.missing_fields(user)
    assert expected is (emptied is None)
    login(client, world.coordinator)
    page = client.get("/uczestnicy?q=" + user.full_name.split()[0]).get_data(as_text=True)
    row = page.split(user.full_name, 1)[1].split("</tr>", 1)[0]
    assert ("<td>kompletne</td>" in row) is expected, row


def test_a_page_of_the_group_split_saves_the_whole_split(client, world, programme_started):
    _more(60)
    login(client, world.coordinator)
    page = client.get("/grupy?strona=2").get_data(as_text=True)
    names = re.findall(r'name="(jst-\d+)"', page)
    assert len(names) == 12
    client.post("/grupy", data={"liczba": "4", names[0]: "2"})
    saved = programme.group_numbers()
    assert len(saved) == 62 and saved[int(names[0][4:])] == 2
    assert saved[world.jst.id] == 1 and saved[world.other_jst.id] == 2  # not on that page


def _signed(kind, jst=None, participant=None, version=None):
    SignedCopy.create(
        kind=kind,
        jst=jst,
        participant=participant,
        plan_version=version,
        received_on=date(2017, 4, 20),
        fingerprint="x",
        filename="a.docx",
        data=b"",
    )


def test_documents_overview_counts_every_jst_and_shows_a_page_of_them(client, world):
    """/dokumenty: the totals count every JST the filters match, the table shows a page of them,
    with the names of the members whose declaration is missing; the JST search ignores case and
    Polish characters; the group filters the list as it does the batches."""
    jsts = []
    for i in range(60):
        jst = make_jst(f"Gmina Seryjna {i:03}")
        add_member(jst, make_user(name=f"Członek Seryjny {i:03}"))
        jsts.append(jst)
    _signed("deklaracja", jst=jsts[0])
    _signed("oswiadczenie", jst=jsts[1], participant=TeamMembership.get(jst=jsts[1]).user)
    lodz = make_jst("Miasto Łódź Testowe", kind="gmina_miejska")  # group 2
    add_member(lodz, make_user(name="Członkini Łódzka"))
    login(client, world.coordinator)

    page = client.get("/dokumenty?q=S%C4%98RYJNA+00").get_data(as_text=True)  # "SĘRYJNA 00"
    assert _rows(page) == 10 and "(10)</caption>" in page
    assert "Deklaracje współpracy bez podpisanego egzemplarza (9)" in page
    assert "Oświadczenia uczestników bez podpisanego egzemplarza (9)" in page
    assert "Plany bez podpisanego egzemplarza ostatniej wersji (0)" in page
    assert "<td>Członek Seryjny 002</td>" in page and "Członek Seryjny 001" not in page
    assert re.search(r"Gmina Seryjna 000</a></td><td>jest</td>", page)
    assert re.search(r"Gmina Seryjna 002</a></td><td>brak</td>", page)

    page = client.get("/dokumenty?q=seryjna").get_data(as_text=True)
    assert _rows(page) == 50 and "Strona 1 z 2" in page and "(60)</caption>" in page
    assert "Oświadczenia uczestników bez podpisanego egzemplarza (59)" in page
    assert "Członek Seryjny 049" in page and "Członek Seryjny 050" not in page
    page = client.get("/dokumenty?q=seryjna&strona=2").get_data(as_text=True)
    assert _rows(page) == 10 and "Członek Seryjny 050" in page and "Strona 2 z 2" in page
    assert client.get("/dokumenty?q=seryjna&strona=9").get_data(as_text=True) == client.get(
        "/dokumenty?q=seryjna"
    ).get_data(as_text=True)  # a page past the end is the first page

    page = client.get("/dokumenty?grupa=2&q=lodz").get_data(as_text=True)
    assert _rows(page) == 1 and "Miasto Łódź Testowe" in page and "Członkini Łódzka" in page
    assert "Podpisane egzemplarze, które jeszcze nie wróciły (grupa" in page
    assert 'name="grupa" value="2"' in page  # the search keeps the group
    page = client.get("/dokumenty?q=nie+ma+takiej").get_data(as_text=True)
    assert "Żadna JST o tej nazwie nie czeka na podpisane egzemplarze." in page
    for bad in ("grupa=xyz", "grupa=99", "strona=-1", "q=" + "x" * 500):
        assert client.get(f"/dokumenty?{bad}").status_code == 200, bad


@pytest.mark.parametrize("query", ["ŻANETA", "zaneta", "Źdźbło", "zdzblo"])
def test_person_search_ignores_case_and_diacritics(client, world, query):
    """/uczestnicy and /zaswiadczenia find a person as /jst finds a JST."""
    jst = make_jst("Gmina Szukana")
    add_member(jst, make_user(name="Żaneta Źdźbło"))
    add_member(jst, make_user(name="Inna Osoba"))
    login(client, world.coordinator)
    for path in ("/uczestnicy", "/zaswiadczenia"):
        page = client.get(f"{path}?q={query}").get_data(as_text=True)
        assert "Żaneta Źdźbło" in page and "Inna Osoba" not in page, path


def test_a_renamed_person_is_found_by_the_new_name(client, world):
    user = world.participant
    user.full_name = "Łucja Nowakowska"
    user.save()
    login(client, world.coordinator)
    assert "Łucja Nowakowska" in client.get("/uczestnicy?q=lucja").get_data(as_text=True)
