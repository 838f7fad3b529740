"""The participant's voivodeship, powiat and gmina come from the TERYT register: dependent
choices without JavaScript, the register's names and the gmina's code stored, addresses typed
before matched where one gmina fits and flagged otherwise."""

from datetime import date

from services import participants
from tests.conftest import login
from tests.participants.test_participant_data import _data


def _options(page, name):
    select = page.split(f'name="{name}"')[1].split("</select>")[0]
    return select


def test_choices_depend_on_what_was_chosen_without_javascript(client, world):
    login(client, world.participant)
    response = client.post(
        "/moje-dane", data=_data(voivodeship="dolnośląskie", powiat="", gmina="", pokaz="powiaty")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Formularz zawiera błędy" not in page
    assert "bolesławiecki" in _options(page, "powiat") and "Jelenia Góra" in _options(
        page, "powiat"
    )
    assert "warszawski zachodni" not in _options(page, "powiat")
    assert participants.read(world.participant, world.participant) is None  # nothing saved
    page = client.post(
        "/moje-dane", data=_data(voivodeship="dolnośląskie", powiat="bolesławiecki", pokaz="gminy")
    ).get_data(as_text=True)
    gminas = _options(page, "gmina")
    assert '<option value="0201011">Bolesławiec (gmina miejska)</option>' in gminas
    assert '<option value="0201022">Bolesławiec (gmina wiejska)</option>' in gminas
    assert "Warta Bolesławiecka (gmina wiejska)" in gminas

    data = _data(voivodeship="dolnośląskie", powiat="bolesławiecki", gmina="0201022")
    assert client.post("/moje-dane", data=data).status_code == 302
    values = participants.read(world.participant, world.participant)
    assert (values["voivodeship"], values["powiat"], values["gmina"], values["gmina_teryt"]) == (
        "dolnośląskie",
        "bolesławiecki",
        "Bolesławiec",
        "0201022",
    )
    page = client.get("/moje-dane").get_data(as_text=True)
    assert '<option selected value="0201022">Bolesławiec (gmina wiejska)</option>' in page
    assert "nie udało się jednoznacznie dopasować" not in page


def test_a_powiat_or_gmina_from_elsewhere_is_refused_next_to_the_field(client, world):
    login(client, world.participant)
    response = client.post(
        "/moje-dane", data=_data(voivodeship="dolnośląskie", powiat="warszawski zachodni")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="powiat-error">Proszę wybrać powiat z listy powiatów wybranego województwa' in page
    response = client.post(
        "/moje-dane",
        data=_data(voivodeship="dolnośląskie", powiat="bolesławiecki", gmina="1432013"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="gmina-error">Proszę wybrać gminę z listy gmin wybranego powiatu' in page
    assert participants.read(world.participant, world.participant) is None


def _typed(user, voivodeship, powiat, gmina):
    data = {
        **_data(),
        "voivodeship": voivodeship,
        "powiat": powiat,
        "gmina": gmina,
        "birth_date": date(1980, 3, 15),
        "sex": "K",
        "joined_at": date(2017, 4, 5),
        "pesel": "",
        "no_pesel": True,
    }
    participants.save(user, data, user)


def test_addresses_typed_before_are_matched_where_one_gmina_fits(client, world):
    _typed(world.participant, "dolnośląskie", "Powiat bolesławiecki", "gmina Warta Bolesławiecka")
    _typed(world.teammate, "dolnośląskie", "bolesławiecki", "Bolesławiec")  # miejska or wiejska?
    assert participants.match_register_addresses() == (1, 1)
    values = participants.read(world.participant, world.participant)
    assert (values["powiat"], values["gmina"], values["gmina_teryt"]) == (
        "bolesławiecki",
        "Warta Bolesławiecka",
        "0201062",
    )
    login(client, world.teammate)
    page = client.get("/moje-dane").get_data(as_text=True)
    assert "nie udało się jednoznacznie dopasować do rejestru TERYT" in page
    assert "gmina „Bolesławiec”" in page
    assert participants.read(world.teammate, world.teammate)["gmina_teryt"] == ""


def test_the_gminas_kind_says_the_area_where_it_can(client, world):
    login(client, world.participant)
    data = _data(voivodeship="dolnośląskie", powiat="bolesławiecki", gmina="0201011", area=None)
    assert client.post("/moje-dane", data=data).status_code == 302
    assert participants.read(world.participant, world.participant)["area"] == "miejski"
    data = _data(voivodeship="dolnośląskie", powiat="bolesławiecki", gmina="0201022")
    data["area"] = "miejski"  # a gmina wiejska is rural whatever was ticked
    assert client.post("/moje-dane", data=data).status_code == 302
    assert participants.read(world.participant, world.participant)["area"] == "wiejski"
    data = _data(area=None)  # Błonie, gmina miejsko-wiejska: town or country?
    response = client.post("/moje-dane", data=data)
    assert response.status_code == 422
    assert 'id="area-error">Proszę wybrać obszar (w gminie miejsko-wiejskiej' in response.get_data(
        as_text=True
    )
