"""Coordinator's JST records: validation, list (search, filters, Polish order), editing."""

import pytest

from lib.identifiers import make_nip, make_regon
from models import Jst
from tests.conftest import login, make_jst, make_user, recorded_queries


def _valid(**overrides):
    data = {
        "name": "Gmina Nowa Wieś Testowa",
        "kind": "gmina_wiejska",
        "program_group": "1",
        "teryt": "1459022",
        "nip": make_nip(901),
        "regon": make_regon(901),
        "street": "ul. Szkolna 5",
        "postal_code": "05-123",
        "city": "Nowa Wieś",
        "head_title": "wójt",
        "head_name": "Adam Testowy",
        "signatory1_name": "Adam Testowy",
        "signatory1_function": "Wójt Gminy",
        "contact_name": "Ewa Kontakt",
        "contact_email": "ewa@example.org",
        "contact_phone": "+48 500 600 700",
        "agreement_date": "2017-03-20",
    }
    data.update(overrides)
    return data


def _coordinator(client):
    login(client, make_user("coordinator"))


def test_coordinator_creates_a_jst(client):
    _coordinator(client)
    data = _valid()
    response = client.post("/jst/nowa", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dodano JST „Gmina Nowa Wieś Testowa”" in page
    jst = Jst.get(Jst.name == "Gmina Nowa Wieś Testowa")
    assert jst.teryt == "1459022" and jst.head_title == "wójt"


def test_rules_are_shown_next_to_the_fields(client):
    _coordinator(client)
    bad = _valid(
        teryt="1459021",  # R=1 is a urban gmina, not a rural one
        nip="1234567890",
        regon="123",
        postal_code="05123",
        head_title="starosta",
    )
    response = client.post("/jst/nowa", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ostatnia cyfra TERYT oznacza rodzaj gminy" in page
    assert "Nieprawidłowy NIP" in page
    assert "Nieprawidłowy REGON" in page
    assert "Kod pocztowy ma postać NN-NNN" in page
    assert "organem wykonawczym jest: wójt" in page
    assert 'value="Gmina Nowa Wieś Testowa"' in page  # input kept
    assert not Jst.select().where(Jst.name == "Gmina Nowa Wieś Testowa").exists()


def test_a_powiat_needs_two_signatories_and_a_four_digit_teryt(client):
    _coordinator(client)
    data = _valid(name="Powiat Próbny", kind="powiat", program_group="3", teryt="1459022")
    data["head_title"] = "starosta"
    page = client.post("/jst/nowa", data=data).get_data(as_text=True)
    assert "TERYT powiatu ma 4 cyfry" in page
    assert "dwaj członkowie zarządu" in page
    data.update(
        teryt="1459", signatory2_name="Olga Zarządowa", signatory2_function="Członek Zarządu"
    )
    response = client.post("/jst/nowa", data=data)
    assert response.status_code == 302


def test_duplicates_are_refused(client):
    make_jst("Gmina Łąkowa", teryt="1459022")
    _coordinator(client)
    page = client.post("/jst/nowa", data=_valid(name="gmina łąkowa")).get_data(as_text=True)
    assert "JST o nazwie „Gmina Łąkowa” już istnieje" in page
    page = client.post("/jst/nowa", data=_valid(name="Inna")).get_data(as_text=True)
    assert "Ten TERYT ma już JST „Gmina Łąkowa”" in page


def test_two_jsts_of_one_name_are_told_apart_by_their_teryt(client):
    """The register has "Powiat Średzki" in Dolny Śląsk (0218) and in Wielkopolska (3025)."""
    make_jst("Powiat Średzki", kind="powiat", teryt="0218")
    _coordinator(client)
    data = _valid(name="Powiat Średzki", kind="powiat", program_group="3", teryt="3025")
    data.update(
        head_title="starosta", signatory2_name="Olga Zarządowa", signatory2_function="Członek"
    )
    assert client.post("/jst/nowa", data=data).status_code == 302
    assert sorted(j.teryt for j in Jst.select().where(Jst.name == "Powiat Średzki")) == [
        "0218",
        "3025",
    ]


@pytest.mark.parametrize("letter", ["ﬃ", "⒇", "\ufdfa"])
def test_a_name_that_folds_longer_than_its_column_is_saved(client, letter):
    """200 characters pass the form, but fold() expands these (ﬃ → ffi, ⒇ → (20)); the search
    key must still fit its column (PostgreSQL refuses an overlong varchar)."""
    _coordinator(client)
    name = letter * 200
    response = client.post("/jst/nowa", data=_valid(name=name))
    assert response.status_code == 302
    jst = Jst.get(Jst.name == name)
    assert len(jst.name_key) <= Jst.name_key.max_length
    data = _valid(name=name[:-1] + "x", version=str(jst.version))
    assert client.post(f"/jst/{jst.id}/edycja", data=data).status_code == 302
    page = client.post("/jst/nowa", data=_valid(name=name[:-1] + "x"))
    assert page.status_code == 422 and "już istnieje" in page.get_data(as_text=True)


def test_list_search_ignores_case_and_diacritics_and_sorts_the_polish_way(client):
    for name in ("Miasto Łódź Testowa", "Gmina Lubin Testowa", "Gmina Łask Testowa", "Gmina Zator"):
        make_jst(name)
    _coordinator(client)
    page = client.get("/jst?q=lodz").get_data(as_text=True)
    assert "Miasto Łódź Testowa" in page and "Gmina Lubin" not in page
    page = client.get("/jst").get_data(as_text=True)
    positions = [page.index(n) for n in ("Gmina Lubin", "Gmina Łask", "Gmina Zator", "Miasto Łódź")]
    assert positions == sorted(positions)


def test_list_filters_and_team_completeness(client, world):
    make_jst("Powiat Filtrowy", kind="powiat", head_title="starosta")
    _coordinator(client)
    page = client.get("/jst?grupa=3").get_data(as_text=True)
    assert "Powiat Filtrowy" in page and "Gmina Własna" not in page
    page = client.get("/jst?rodzaj=powiat").get_data(as_text=True)
    assert "Powiat Filtrowy" in page and "Gmina Obca" not in page
    page = client.get("/jst").get_data(as_text=True)
    row = page[page.index("Powiat Filtrowy") :].split("</tr>")[0]
    assert "niekompletny zespół" in row
    row = page[page.index("Gmina Własna") :].split("</tr>")[0]
    assert "2 osoby" in row and "niekompletny" not in row
    assert client.get("/jst?grupa=abc&rodzaj=xyz&strona=-5").status_code == 200


def test_list_takes_two_queries_whatever_its_size(client, world, app):
    for n in range(15):
        make_jst(f"Gmina Zapytań {n}")
    _coordinator(client)
    with recorded_queries() as recorded:
        response = client.get("/jst")
    statements = [
        sql
        for sql in recorded
        if "jst" in sql.lower() and sql.lstrip().upper().startswith("SELECT")
    ]
    assert response.status_code == 200
    assert "Gmina Zapytań 14" in response.get_data(as_text=True)
    assert len(statements) == 2, statements  # the count and the page


def test_list_sql_built_once_serves_every_filter_value_and_page(client):
    """The list's SQL is built once per shape (models.prepared): later requests bring new values."""
    for n in range(53):
        make_jst(f"Gmina Stronicowa {n:02d}")
    make_jst("Powiat Jedyny", kind="powiat", head_title="starosta")
    _coordinator(client)
    page = client.get("/jst?grupa=1").get_data(as_text=True)
    assert "Znaleziono: 53" in page and "Powiat Jedyny" not in page
    page = client.get("/jst?grupa=3").get_data(as_text=True)
    assert "Znaleziono: 1" in page and "Powiat Jedyny" in page and "Stronicowa" not in page
    first = client.get("/jst?grupa=1").get_data(as_text=True)
    second = client.get("/jst?grupa=1&strona=2").get_data(as_text=True)
    assert "Gmina Stronicowa 00" in first and "Gmina Stronicowa 49" in first
    assert "Gmina Stronicowa 50" in second and "Gmina Stronicowa 49" not in second


def test_prepared_query_refuses_parameters_that_do_not_match_its_sql(app):
    from models import prepared

    build = lambda: Jst.select(Jst.id).where(Jst.kind == "powiat").tuples()  # noqa: E731
    with pytest.raises(AssertionError, match="the SQL takes"):
        prepared("test: wrong parameters", build, ["gmina_wiejska"])
    assert prepared("test: right parameters", build, ["powiat"]) == []


def test_concurrent_edit_is_a_conflict_not_an_overwrite(client):
    jst = make_jst("Gmina Równoległa")
    _coordinator(client)
    data = _valid(name="Gmina Równoległa", teryt=jst.teryt, nip=jst.nip, regon=jst.regon)
    data.update(version=str(jst.version), city="Moja Zmiana")
    Jst.update(city="Cudza Zmiana", version=Jst.version + 1).where(Jst.id == jst.id).execute()
    response = client.post(f"/jst/{jst.id}/edycja", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ktoś zmienił dane tej JST w międzyczasie" in page
    assert "Cudza Zmiana" in page and 'value="Moja Zmiana"' in page
    assert Jst.get_by_id(jst.id).city == "Cudza Zmiana"
    data["version"] = str(jst.version + 1)  # the form now carries the current version
    assert client.post(f"/jst/{jst.id}/edycja", data=data).status_code == 302
    assert Jst.get_by_id(jst.id).city == "Moja Zmiana"


def test_withdrawn_jst_leaves_every_list_but_the_archive(client, world):
    _coordinator(client)
    response = client.post(
        f"/jst/{world.jst.id}/wycofanie",
        data={"withdrawn_at": "2017-06-01", "withdrawn_reason": "Decyzja rady gminy"},
    )
    assert response.status_code == 302
    link = f'href="/jst/{world.jst.id}"'
    assert "oznaczono jako wycofaną" in client.get(f"/jst/{world.jst.id}").get_data(as_text=True)
    assert link not in client.get("/jst").get_data(as_text=True)
    assert link in client.get("/jst/archiwum").get_data(as_text=True)
    client.post("/logout")
    login(client, world.participant)
    assert "Moja JST" not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    _coordinator(client)
    client.post(f"/jst/{world.jst.id}/przywrocenie")
    assert link in client.get("/jst").get_data(as_text=True)


def test_withdraw_needs_a_date_and_reason(client, world):
    _coordinator(client)
    response = client.post(f"/jst/{world.jst.id}/wycofanie", data={"withdrawn_at": "wczoraj"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Proszę podać datę jako DD.MM.RRRR" in page and "Proszę podać powód wycofania się" in page
    )


def test_a_voivodeship_has_a_two_digit_teryt_and_two_signatories(client):
    _coordinator(client)
    data = _valid(name="Województwo Opolskie", kind="wojewodztwo", program_group="3", teryt="1601")
    data["head_title"] = "marszałek województwa"
    page = client.post("/jst/nowa", data=data).get_data(as_text=True)
    assert "TERYT województwa ma 2 cyfry 0–9 (WW)." in page
    assert "W imieniu województwa podpisują dwaj członkowie zarządu" in page
    data.update(teryt="16", signatory2_name="Olga Zarządowa", signatory2_function="Członek Zarządu")
    assert client.post("/jst/nowa", data=data).status_code == 302
    jst = Jst.get(Jst.teryt == "16")
    assert (jst.kind_label, jst.name_genitive, jst.office_name) == (
        "województwo",
        "Województwa Opolskiego",
        "Urząd Marszałkowski Województwa Opolskiego",
    )
