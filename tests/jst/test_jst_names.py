"""The JST's official name from the register and its name and office in the genitive, locative
and instrumental (README: "Nazwy JST w przypadkach"), on real names of every kind."""

from pathlib import Path

import pytest

from lib import jst_names
from services import teryt_register

REGISTER = Path(__file__).resolve().parents[2] / "data" / "TERC_Urzedowy_2024-01-01.csv"

# (kind, register name, official name, genitive, locative, instrumental)
NAMES = [
    ("gmina_wiejska", "Bolesławiec", "Gmina Bolesławiec", "Gminy Bolesławiec",
     "Gminie Bolesławiec", "Gminą Bolesławiec"),
    ("gmina_wiejska", "Warta Bolesławiecka", "Gmina Warta Bolesławiecka",
     "Gminy Warta Bolesławiecka", "Gminie Warta Bolesławiecka", "Gminą Warta Bolesławiecka"),
    ("gmina_miejska", "Bolesławiec", "Gmina Miejska Bolesławiec", "Gminy Miejskiej Bolesławiec",
     "Gminie Miejskiej Bolesławiec", "Gminą Miejską Bolesławiec"),
    ("gmina_miejska", "Kędzierzyn-Koźle", "Gmina Miejska Kędzierzyn-Koźle",
     "Gminy Miejskiej Kędzierzyn-Koźle", "Gminie Miejskiej Kędzierzyn-Koźle",
     "Gminą Miejską Kędzierzyn-Koźle"),
    ("gmina_miejska", "Nowe Miasto Lubawskie", "Gmina Miejska Nowe Miasto Lubawskie",
     "Gminy Miejskiej Nowe Miasto Lubawskie", "Gminie Miejskiej Nowe Miasto Lubawskie",
     "Gminą Miejską Nowe Miasto Lubawskie"),
    ("gmina_miejsko_wiejska", "Miejska Górka", "Gmina Miejska Górka", "Gminy Miejska Górka",
     "Gminie Miejska Górka", "Gminą Miejska Górka"),
    ("gmina_miejsko_wiejska", "Bogatynia", "Gmina Bogatynia", "Gminy Bogatynia",
     "Gminie Bogatynia", "Gminą Bogatynia"),
    ("miasto_na_prawach_powiatu", "Jelenia Góra", "Miasto Jelenia Góra", "Miasta Jelenia Góra",
     "Mieście Jelenia Góra", "Miastem Jelenia Góra"),
    ("miasto_na_prawach_powiatu", "Bielsko-Biała", "Miasto Bielsko-Biała",
     "Miasta Bielsko-Biała", "Mieście Bielsko-Biała", "Miastem Bielsko-Biała"),
    ("powiat", "bolesławiecki", "Powiat Bolesławiecki", "Powiatu Bolesławieckiego",
     "Powiecie Bolesławieckim", "Powiatem Bolesławieckim"),
    ("powiat", "warszawski zachodni", "Powiat Warszawski Zachodni",
     "Powiatu Warszawskiego Zachodniego", "Powiecie Warszawskim Zachodnim",
     "Powiatem Warszawskim Zachodnim"),
    ("powiat", "bieruńsko-lędziński", "Powiat Bieruńsko-Lędziński",
     "Powiatu Bieruńsko-Lędzińskiego", "Powiecie Bieruńsko-Lędzińskim",
     "Powiatem Bieruńsko-Lędzińskim"),
    ("powiat", "średzki", "Powiat Średzki", "Powiatu Średzkiego", "Powiecie Średzkim",
     "Powiatem Średzkim"),
    ("wojewodztwo", "DOLNOŚLĄSKIE", "Województwo Dolnośląskie", "Województwa Dolnośląskiego",
     "Województwie Dolnośląskim", "Województwem Dolnośląskim"),
    ("wojewodztwo", "KUJAWSKO-POMORSKIE", "Województwo Kujawsko-Pomorskie",
     "Województwa Kujawsko-Pomorskiego", "Województwie Kujawsko-Pomorskim",
     "Województwem Kujawsko-Pomorskim"),
]  # fmt: skip


@pytest.mark.parametrize("kind,register,official,genitive,locative,instrumental", NAMES)
def test_names_in_every_case(kind, register, official, genitive, locative, instrumental):
    assert jst_names.official_name(kind, register) == official
    suggested = jst_names.suggest(kind, official)
    assert (
        suggested["name_genitive"],
        suggested["name_locative"],
        suggested["name_instrumental"],
    ) == (genitive, locative, instrumental)


# (kind, official name, office: nominative, genitive, locative, instrumental)
OFFICES = [
    ("gmina_wiejska", "Gmina Bolesławiec", "Urząd Gminy Bolesławiec", "Urzędu Gminy Bolesławiec",
     "Urzędzie Gminy Bolesławiec", "Urzędem Gminy Bolesławiec"),
    ("gmina_miejska", "Gmina Miejska Kędzierzyn-Koźle", "Urząd Miasta Kędzierzyn-Koźle",
     "Urzędu Miasta Kędzierzyn-Koźle", "Urzędzie Miasta Kędzierzyn-Koźle",
     "Urzędem Miasta Kędzierzyn-Koźle"),
    ("gmina_miejsko_wiejska", "Gmina Miejska Górka", "Urząd Miasta i Gminy Miejska Górka",
     "Urzędu Miasta i Gminy Miejska Górka", "Urzędzie Miasta i Gminy Miejska Górka",
     "Urzędem Miasta i Gminy Miejska Górka"),
    ("miasto_na_prawach_powiatu", "Miasto Jelenia Góra", "Urząd Miasta Jelenia Góra",
     "Urzędu Miasta Jelenia Góra", "Urzędzie Miasta Jelenia Góra", "Urzędem Miasta Jelenia Góra"),
    ("miasto_na_prawach_powiatu", "Miasto Stołeczne Warszawa",
     "Urząd Miasta Stołecznego Warszawy", "Urzędu Miasta Stołecznego Warszawy",
     "Urzędzie Miasta Stołecznego Warszawy", "Urzędem Miasta Stołecznego Warszawy"),
    ("powiat", "Powiat Bolesławiecki", "Starostwo Powiatowe", "Starostwa Powiatowego",
     "Starostwie Powiatowym", "Starostwem Powiatowym"),
    ("wojewodztwo", "Województwo Dolnośląskie", "Urząd Marszałkowski Województwa Dolnośląskiego",
     "Urzędu Marszałkowskiego Województwa Dolnośląskiego",
     "Urzędzie Marszałkowskim Województwa Dolnośląskiego",
     "Urzędem Marszałkowskim Województwa Dolnośląskiego"),
]  # fmt: skip


@pytest.mark.parametrize("kind,name,nominative,genitive,locative,instrumental", OFFICES)
def test_offices_in_every_case(kind, name, nominative, genitive, locative, instrumental):
    suggested = jst_names.suggest(kind, name)
    assert (
        suggested["office_name"],
        suggested["office_genitive"],
        suggested["office_locative"],
        suggested["office_instrumental"],
    ) == (nominative, genitive, locative, instrumental)


def test_warsaw_declines_as_in_official_use():
    assert jst_names.name_cases("Miasto Stołeczne Warszawa", "miasto_na_prawach_powiatu") == (
        "Miasta Stołecznego Warszawy",
        "Mieście Stołecznym Warszawie",
        "Miastem Stołecznym Warszawą",
    )


def test_every_name_of_the_register_gets_every_case():
    """All 2,807: the noun declines, a powiat's and voivodeship's every adjective too, a
    gmina's own name stays as the register writes it."""
    units, _skipped, _stand = teryt_register.read(REGISTER.read_bytes())
    assert len(units) == 2807
    nouns = {"Gmina": "Gminy", "Miasto": "Miasta", "Powiat": "Powiatu", "Województwo":
             "Województwa"}  # fmt: skip
    for unit in units:
        name, kind = unit["name"], unit["kind"]
        suggested = jst_names.suggest(kind, name)
        noun, rest = name.split(" ", 1)
        genitive = suggested["name_genitive"]
        assert genitive.startswith(nouns[noun] + " "), name
        assert all(suggested[field] for field in jst_names.CASE_FIELDS), name
        if kind in ("powiat", "wojewodztwo"):
            assert all(w.endswith("ego") for w in genitive.split()[1:]), name
            assert all(w.endswith("m") for w in suggested["name_locative"].split()[1:]), name
        elif not rest.startswith(("Miejska ", "Stołeczne ")):
            assert genitive.endswith(" " + rest), name
            assert suggested["office_name"].endswith(" " + rest), name


def test_the_jst_form_suggests_the_cases_and_stores_what_the_coordinator_corrects(client):
    from models import Jst
    from tests.conftest import login, make_user
    from tests.jst.test_jst_records import _valid

    login(client, make_user("coordinator"))
    data = _valid(name="Gmina Warta Bolesławiecka", teryt="0201092")
    assert client.post("/jst/nowa", data=data).status_code == 302
    jst = Jst.get(Jst.teryt == "0201092")
    assert (jst.name_instrumental, jst.office_locative) == (
        "Gminą Warta Bolesławiecka",
        "Urzędzie Gminy Warta Bolesławiecka",
    )
    page = client.get(f"/jst/{jst.id}/edycja").get_data(as_text=True)
    assert 'value="Urzędem Gminy Warta Bolesławiecka"' in page
    data |= {"version": str(jst.version), "office_locative": "Urzędzie Gminy w Warcie"}
    assert client.post(f"/jst/{jst.id}/edycja", data=data).status_code == 302
    jst = Jst.get_by_id(jst.id)
    assert jst.office_locative == "Urzędzie Gminy w Warcie"
    assert jst.office_genitive == "Urzędu Gminy Warta Bolesławiecka"
