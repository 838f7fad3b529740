"""Participant data, review fixes: digits of other scripts, the end-of-participation form,
erasure of the membership phone, a purge without a retention date, phone and birth date rules."""

from datetime import date

from lib import crypto
from lib.identifiers import make_pesel
from models import TeamMembership
from models.participants import ParticipantData
from services import participants, settings
from tests.conftest import login
from tests.participants.test_participant_data import BIRTH, PESEL, _data

OTHER_PESEL = make_pesel(BIRTH, male=False, serial=322)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _store(user):
    participants.save(
        user, {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)}, user
    )


def _error(page, field):
    return page.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]


def test_a_pesel_or_postal_code_in_other_digits_is_refused(client, world):
    _store(world.teammate)  # the same PESEL in other digits must not pass as another
    login(client, world.participant)
    cases = [
        ({"pesel": PESEL.translate(FULL_WIDTH)}, "pesel", "Nieprawidłowy PESEL"),
        (
            {"postal_code": "00-950".translate(FULL_WIDTH), "pesel": OTHER_PESEL},
            "postal_code",
            "Kod pocztowy ma postać",
        ),
    ]
    for change, field, message in cases:
        response = client.post("/moje-dane", data=_data(**change))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert _error(page, field).startswith(message), change
        assert 'value="Testowo"' in page  # input kept
    assert participants.read(world.participant, world.participant) is None


def test_the_pesel_is_stored_in_ascii_digits(client, world):
    login(client, world.participant)
    assert client.post("/moje-dane", data=_data()).status_code == 302
    assert participants.read(world.participant, world.participant)["pesel"] == PESEL


def test_phone_and_birth_date_rules(client, world):
    login(client, world.participant)
    no_pesel = {"pesel": "", "no_pesel": "y", "sex": "K"}
    cases = [
        ({"phone": "abc"}, "phone", "Numer telefonu może zawierać tylko cyfry"),
        ({**no_pesel, "birth_date": "0001-01-01"}, "birth_date", "Data urodzenia nie może być"),
        ({**no_pesel, "birth_date": "1899-12-31"}, "birth_date", "Data urodzenia nie może być"),
    ]
    for change, field, message in cases:
        response = client.post("/moje-dane", data=_data(**change))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert _error(page, field).startswith(message), change
    response = client.post("/moje-dane", data=_data(phone="+48 (22) 600-12-34"))
    assert response.status_code == 302
    assert participants.read(world.participant, world.participant)["phone"] == "+48 (22) 600-12-34"


def test_the_end_of_participation_is_checked_next_to_its_fields(client, world):
    _store(world.participant)
    login(client, world.coordinator)
    path = f"/uczestnicy/{world.participant.id}/zakonczenie"
    status = "ukończył(a) szkolenie"
    cases = [
        ({"left_at": "2017-04-04", "leaving_status": status}, "left_at", "nie może być wcześn"),
        ({"left_at": "2099-01-01", "leaving_status": status}, "left_at", "nie może być w przysz"),
        ({"left_at": "", "leaving_status": status}, "left_at", "Proszę podać datę zakończenia"),
        ({"left_at": "17/11/2017", "leaving_status": status}, "left_at", "Proszę podać datę jako"),
        ({"left_at": "2017-11-17", "leaving_status": "x" * 201}, "leaving_status", "Najwyżej 200"),
        ({"left_at": "2017-11-17", "leaving_status": ""}, "leaving_status", "Pole „Sytuacja"),
    ]
    for data, field, message in cases:
        response = client.post(path, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, data
        assert message in _error(page, field), (data, _error(page, field))
        assert page.count('id="left_at-error"') + page.count('id="leaving_status-error"') == 1
        if data["left_at"]:
            assert f'value="{data["left_at"]}"' in page, data  # input kept
        assert 'value="Testowo"' in page  # the data form is shown as well
    assert ParticipantData.get().left_at is None
    response = client.post(path, data={"left_at": "2017-11-17", "leaving_status": status})
    assert response.status_code == 302
    record = ParticipantData.get()
    assert record.left_at == date(2017, 11, 17) and record.leaving_status == status


def test_erasure_clears_the_phone_kept_with_the_team_membership(client, world):
    _store(world.participant)
    settings.save({"retention_until": "2020-12-31"})
    login(client, world.coordinator)
    client.post(f"/uczestnicy/{world.participant.id}/usuniecie-danych")
    membership = TeamMembership.get(TeamMembership.user == world.participant.id)
    assert membership.phone_enc == ""
    assert membership.joined_at == date(2017, 4, 5)  # the membership and its history stay
    teammate = TeamMembership.get(TeamMembership.user == world.teammate.id)
    assert crypto.decrypt(teammate.phone_enc) == "+48 600 100 200"


def test_purge_refuses_without_a_retention_date(app, world):
    _store(world.participant)
    settings.save({"retention_until": ""})
    result = app.test_cli_runner().invoke(
        args=["purge-personal-data", "--before", "2018-01-01", "--yes"]
    )
    assert result.exit_code == 1
    assert "Nie ustawiono okresu przechowywania danych" in result.output
    assert participants.read(world.participant, world.participant)["pesel"] == PESEL
    assert TeamMembership.get(TeamMembership.user == world.participant.id).phone_enc != ""
