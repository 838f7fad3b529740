"""Programme settings: ORE's identifiers and the programme dates are validated."""

import pytest

from lib.identifiers import make_nip, make_regon
from services import settings
from tests.conftest import login, make_user

NIP_MESSAGE = "Nieprawidłowy NIP (10 cyfr 0–9 z poprawną cyfrą kontrolną)."
REGON_MESSAGE = "Nieprawidłowy REGON (9 lub 14 cyfr 0–9 z poprawną cyfrą kontrolną)."
END_MESSAGE = "Data zakończenia programu nie może być wcześniejsza niż data rozpoczęcia."


@pytest.fixture
def client(client):
    login(client, make_user("coordinator"))
    return client


def _post(client, **changes):
    data = {**settings.get_all(), **changes}
    response = client.post("/ustawienia", data=data)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("nip", "regon"),
    [
        ("abc-123", "1"),
        (make_nip(5) + "1", make_regon(5)[:-1]),
        (make_nip(5).translate(str.maketrans("0123456789", "０１２３４５６７８９")), "x"),
    ],
)
def test_ores_nip_and_regon_are_refused_when_invalid(client, nip, regon):
    status, page = _post(client, ore_nip=nip, ore_regon=regon, ore_name="ORE Zmieniony")
    assert status == 422
    assert f'id="ore_nip-error">{NIP_MESSAGE}' in page
    assert f'id="ore_regon-error">{REGON_MESSAGE}' in page
    assert 'value="ORE Zmieniony"' in page  # input kept
    stored = settings.get_all()
    assert (stored["ore_nip"], stored["ore_regon"], stored["ore_name"]) == (
        "",
        "",
        "Ośrodek Rozwoju Edukacji",
    )


def test_ores_valid_identifiers_are_stored_as_digits(client):
    nip, regon = make_nip(5), make_regon(5)
    status, _page = _post(client, ore_nip=f"{nip[:3]}-{nip[3:6]}-{nip[6:]}", ore_regon=regon)
    assert status == 302
    assert (settings.get("ore_nip"), settings.get("ore_regon")) == (nip, regon)


def test_empty_identifiers_stay_allowed(client):
    settings.save({"ore_nip": make_nip(5), "ore_regon": make_regon(5)})
    status, _page = _post(client, ore_nip="", ore_regon="")
    assert status == 302
    assert (settings.get("ore_nip"), settings.get("ore_regon")) == ("", "")


def test_the_programme_cannot_end_before_it_starts(client):
    status, page = _post(client, programme_start="2017-04-05", programme_end="2017-04-04")
    assert status == 422
    assert f'id="programme_end-error">{END_MESSAGE}' in page
    assert 'value="2017-04-04"' in page
    assert settings.get("programme_end") == "2017-11-17"
    status, _page = _post(client, programme_start="2017-04-05", programme_end="2017-04-05")
    assert status == 302
    assert settings.get("programme_end") == "2017-04-05"


def test_a_malformed_date_gets_only_the_format_message(client):
    status, page = _post(client, programme_start="5 kwietnia", programme_end="2017-01-01")
    assert status == 422
    assert 'id="programme_start-error">Proszę podać datę jako DD.MM.RRRR' in page
    assert END_MESSAGE not in page
