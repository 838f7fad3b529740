"""Import of JSTs from GUS's TERYT register (TERC): what the coordinator sees in the preview,
what is stored after the confirmation, and what a wrong file gets."""

import io
import re
from pathlib import Path

from models import Jst, TerytUpload
from tests.conftest import login, make_jst, make_user

REGISTER = Path(__file__).resolve().parents[2] / "data" / "TERC_Urzedowy_2024-01-01.csv"
TEXT = REGISTER.read_text(encoding="utf-8")
LINES = TEXT.splitlines()


def _part(*prefixes, extra=()):
    """The header and the register's rows of the voivodeships `prefixes` (plus `extra` rows)."""
    rows = [line for line in LINES[1:] if line[:2] in prefixes]
    return "\r\n".join([LINES[0], *rows, *extra]) + "\r\n"


def _coordinator(client):
    user = make_user("coordinator")
    login(client, user)
    return user


def _upload(client, text, encoding="utf-8"):
    data = {"file": (io.BytesIO(text.encode(encoding)), "TERC_Urzedowy_2024-01-01.csv")}
    return client.post("/jst/import/teryt", data=data, content_type="multipart/form-data")


def _preview(client, text, **choice):
    response = _upload(client, text)
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    return location, client.post(location, data=choice) if choice else client.get(location)


def _confirm(client, location, **choice):
    return client.post(location, data={**choice, "dodaj": "1"})


def _plain(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_whole_country_is_previewed_then_imported_once(client):
    _coordinator(client)
    location, response = _preview(client, TEXT, scope="kraj")
    page = _plain(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "stan rejestru na 2024-01-01: 2807 JST" in page
    for label, count in (
        ("gmina wiejska", 1464),
        ("gmina miejska", 236),
        ("powiat", 314),
        ("gmina miejsko-wiejska", 711),
        ("miasto na prawach powiatu", 66),
        ("województwo", 16),
    ):
        assert f"{label} {count} 0" in page
    assert "dzielnica miasta — nie JST" in page  # skipped rows and why
    assert "miasto na prawach powiatu — jedna JST z gminą tego miasta" in page
    assert "Dodaj 2807 JST" in page
    assert not Jst.select().exists()  # a preview writes nothing

    response = _confirm(client, location, scope="kraj", group_city="2", group_voivodeship="3")
    assert response.status_code == 302
    assert "Dodano 2807 JST z rejestru TERYT" in _plain(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    assert Jst.select().count() == 2807
    stored = {j.teryt: j for j in Jst.select()}
    expected = {
        "02": ("Województwo Dolnośląskie", "wojewodztwo", 3),
        "0201": ("Powiat Bolesławiecki", "powiat", 3),
        "0201011": ("Gmina Miejska Bolesławiec", "gmina_miejska", 2),
        "0201022": ("Gmina Bolesławiec", "gmina_wiejska", 1),
        "0261011": ("Miasto Jelenia Góra", "miasto_na_prawach_powiatu", 2),
        "1465011": ("Miasto Stołeczne Warszawa", "miasto_na_prawach_powiatu", 2),
        "1432": ("Powiat Warszawski Zachodni", "powiat", 3),
        "04": ("Województwo Kujawsko-Pomorskie", "wojewodztwo", 3),
    }
    for code, (name, kind, group) in expected.items():
        jst = stored[code]
        assert (jst.name, jst.kind, jst.program_group) == (name, kind, group)
    assert "0261" not in stored  # a city with powiat rights is one JST
    assert stored["0201"].name_locative == "Powiecie Bolesławieckim"
    assert stored["0201022"].office_locative == "Urzędzie Gminy Bolesławiec"
    # the JSTs' list finds them like any other
    assert "Gmina Miejska Bolesławiec" in client.get("/jst?q=bolesławiec").get_data(as_text=True)

    location, response = _preview(client, TEXT, scope="kraj")
    page = _plain(response.get_data(as_text=True))
    assert "Nie ma czego dodawać" in page and "Dodaj" not in page
    assert "dopasowano: kod TERYT" in page
    _confirm(client, location, scope="kraj", group_city="2", group_voivodeship="3")
    assert Jst.select().count() == 2807  # importing again changes nothing


def test_one_voivodeship(client):
    _coordinator(client)
    location, response = _preview(client, TEXT, scope="wojewodztwo", voivodeship="08")
    page = _plain(response.get_data(as_text=True))
    expected = sum(1 for line in LINES[1:] if line.startswith("08;"))
    assert "województwo 0 0" not in page and "województwo 1 0" in page
    _confirm(client, location, scope="wojewodztwo", voivodeship="08", group_city="1")
    kinds = [j.kind for j in Jst.select()]
    assert all(j.teryt.startswith("08") for j in Jst.select())
    # the lubuskie rows that are no JST: parts of urban-rural gminas, two cities' powiat rows
    parts = sum(
        1 for line in LINES[1:] if line.startswith("08;") and line.split(";")[3] in ("4", "5")
    )
    assert len(kinds) == expected - parts - 2
    assert {
        j.program_group for j in Jst.select().where(Jst.kind == "miasto_na_prawach_powiatu")
    } == {1}


def test_pasted_codes_are_checked_next_to_the_field(client):
    _coordinator(client)
    location, response = _preview(client, _part("02"), scope="kody", codes="0201011 12x;0261")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "To nie są kody TERYT (2, 4 albo 7 cyfr 0–9): „12x”" in page
    assert 'id="codes-error"' in page
    response = client.post(location, data={"scope": "kody", "codes": "0201011, 0261\n9999999"})
    page = _plain(response.get_data(as_text=True))
    assert "9999999: nie ma JST o tym kodzie w pliku" in page
    assert "Dodaj 2 JST" in page
    # a long pasted list (more than a URL may hold) works as well
    codes = "\n".join(line[:2] + line[3:5] + line[6:8] + line[9] for line in LINES if
                      line.startswith("02;") and line.split(";")[3] in ("1", "2", "3"))  # fmt: skip
    codes = (codes + "\n") * 4  # repeated codes count once
    assert len(codes) > 4094  # gunicorn's longest request line
    response = client.post(location, data={"scope": "kody", "codes": codes})
    assert response.status_code == 200
    assert "Dodaj 169 JST" in _plain(response.get_data(as_text=True))
    _confirm(client, location, scope="kody", codes="0201011, 0261\n9999999", group_city="4")
    assert sorted((j.teryt, j.name) for j in Jst.select()) == [
        ("0201011", "Gmina Miejska Bolesławiec"),
        ("0261011", "Miasto Jelenia Góra"),
    ]


def test_existing_jsts_are_matched_by_code_else_by_kind_name_and_voivodeship(client):
    make_jst("Gmina Bolesławiec", kind="gmina_wiejska", teryt="0201052")  # a wrong code
    make_jst("Powiat Bolesławiecki", kind="powiat", teryt="")
    make_jst("Gmina Dąbrowa", kind="gmina_wiejska", teryt="")
    make_jst("Gmina Miejska Bolesławiec", kind="gmina_miejska", teryt="0201011")
    _coordinator(client)
    location, response = _preview(client, _part("02", "04", "16"), scope="kraj")
    page = _plain(response.get_data(as_text=True))
    assert (
        "Gmina Bolesławiec — TERYT 0201022: „Gmina Bolesławiec” "
        "(dopasowano: rodzaj, nazwa i województwo)" in page
    )
    assert "(dopasowano: rodzaj i nazwa (JST bez kodu TERYT))" in page
    assert "(dopasowano: kod TERYT)" in page
    assert (
        "Gmina Dąbrowa (0409012): w projekcie jest „Gmina Dąbrowa” bez kodu TERYT, "
        "a w pliku jest 2 takich JST" in page
    )
    before = Jst.select().count()
    _confirm(client, location, scope="kraj")
    assert Jst.select().where(Jst.name == "Gmina Bolesławiec").count() == 1
    assert Jst.select().where(Jst.name == "Gmina Dąbrowa").count() == 1
    added = Jst.select().count() - before
    assert added > 400 and not Jst.select().where(Jst.teryt == "0201022").exists()


def test_wrong_rows_are_skipped_with_their_reason(client):
    _coordinator(client)
    text = _part(
        "02",
        extra=[
            "02;59;01;2;Nigdzie;gmina wiejska;2024-01-01",
            "02;01;07;7;Dziwna;coś;2024-01-01",
            "02;01;01;1;Bolesławiec;gmina miejska;2024-01-01",
            "02;01;08;2;Rodzajowa;gmina miejska;2024-01-01",
        ],
    )
    location, response = _preview(client, text, scope="kraj")
    page = _plain(response.get_data(as_text=True))
    assert "gmina nie leży w żadnym powiecie pliku (brak powiatu 0259)" in page
    assert "nieznany RODZ „7”" in page
    assert "powtórzony kod TERYT (jak w wierszu 4)" in page
    assert "NAZWA_DOD „gmina miejska” nie pasuje do RODZ 2 (gmina wiejska)" in page
    assert "Nigdzie" not in page.split("Podgląd importu")[1]


def test_cp1250_or_a_wrong_header_gets_a_polish_error_and_nothing_is_written(client):
    _coordinator(client)
    response = _upload(client, _part("02"), encoding="cp1250")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Plik nie jest zapisany w kodowaniu UTF-8" in page and 'id="file-error"' in page
    response = _upload(client, _part("02").replace("NAZWA_DOD", "OPIS"))
    assert response.status_code == 422
    assert "To nie jest plik TERC w układzie „urzędowym” GUS" in response.get_data(as_text=True)
    response = _upload(client, "nazwa;rodzaj;grupa;teryt\nGmina X;gmina wiejska;I;0201022\n")
    assert response.status_code == 422
    assert not TerytUpload.select().exists() and not Jst.select().exists()
    page = client.post("/jst/import/teryt", data={}).get_data(as_text=True)
    assert "Proszę wybrać plik TERC do wczytania." in page


def test_an_upload_is_its_coordinators_own(client, app):
    _coordinator(client)
    location, _response = _preview(client, _part("02"))
    other = app.test_client()
    _coordinator(other)
    assert other.get(location).status_code == 404
    assert other.post(location, data={"scope": "kraj", "dodaj": "1"}).status_code == 404
    assert not Jst.select().exists()


def test_the_import_is_in_the_coordinators_menu(client):
    _coordinator(client)
    assert "/jst/import/teryt" in client.get("/jst").get_data(as_text=True)
