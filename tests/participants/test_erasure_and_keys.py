"""Participant data, continued: one message for a missing birth date, erasure of participants
without a leaving date, a key rotation that cannot lose its key."""

from datetime import date

import pytest

from lib import crypto
from lib.identifiers import make_pesel
from models.participants import ParticipantData
from services import participants, settings
from tests.conftest import login
from tests.participants.test_participant_data import BIRTH, PESEL, _data


def _stored(user, serial, joined, left=None):
    birth = date(1980, 3, 15)
    participants.save(
        user,
        {
            **_data(),
            "pesel": make_pesel(birth, male=False, serial=serial),
            "birth_date": birth,
            "sex": "K",
            "joined_at": joined,
        },
        user,
    )
    if left:
        participants.save_leaving(user, left, "ukończył(a) szkolenie", user)


def test_an_invalid_pesel_gives_the_birth_date_one_clear_message(client, world):
    login(client, world.participant)
    wrong_checksum = PESEL[:-1] + str((int(PESEL[-1]) + 1) % 10)
    cases = [
        (
            {"pesel": wrong_checksum, "birth_date": ""},
            "Proszę podać datę urodzenia (DD.MM.RRRR) albo poprawić PESEL",
        ),
        (
            {"pesel": "", "no_pesel": "y", "sex": "K", "birth_date": ""},
            "Proszę podać datę urodzenia",
        ),
        (
            {"pesel": "", "no_pesel": "y", "sex": "K", "birth_date": "1980/03/15"},
            "Proszę podać datę jako DD.MM.RRRR",
        ),
    ]
    for change, message in cases:
        response = client.post("/moje-dane", data=_data(**change))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert page.count('id="birth_date-error"') == 1, change
        error = page.split('id="birth_date-error">', 1)[1].split("</div>", 1)[0]
        assert error.startswith(message), (change, error)


def test_purge_falls_back_to_the_joining_date_without_a_leaving_date(app, world):
    _stored(world.participant, 401, joined=date(2017, 4, 5))  # no leaving date
    _stored(world.teammate, 402, joined=date(2018, 3, 1))  # joined after the date
    _stored(world.other_participant, 403, joined=date(2017, 4, 5), left=date(2018, 2, 1))
    settings.save({"retention_until": "2020-12-31"})
    result = app.test_cli_runner().invoke(
        args=["purge-personal-data", "--before", "2018-01-01", "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert f"Usunięto dane osobowe: {world.participant.full_name}" in result.output
    assert world.teammate.full_name not in result.output
    assert world.other_participant.full_name not in result.output  # left after the date
    assert participants.read(world.participant, world.participant)["pesel"] == ""
    assert participants.read(world.teammate, world.teammate)["pesel"] != ""
    other = participants.read(world.other_participant, world.other_participant)
    assert other["street"] == "ul. Zmyślona"


@pytest.fixture
def stored_pesel_token(app, world):
    """The participant's stored PESEL token; the configured keys restored afterwards."""
    participants.save(
        world.participant,
        {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)},
        world.participant,
    )
    yield ParticipantData.get().pesel_enc
    crypto.configure(app.config["PII_KEYS"])


def test_key_rotation_that_cannot_write_its_key_changes_nothing(
    app, world, tmp_path, stored_pesel_token
):
    app.config["PII_KEYS_FILE"] = str(tmp_path / "brak-katalogu" / "pii_keys")
    result = app.test_cli_runner().invoke(args=["rotate-pii-key"])
    assert result.exit_code == 1
    assert "Nie udało się zapisać kluczy" in result.output
    assert "niczego nie zaszyfrowano ponownie" in result.output
    assert ParticipantData.get().pesel_enc == stored_pesel_token
    assert participants.read(world.participant, world.participant)["pesel"] == PESEL


def test_key_rotation_keeps_the_new_key_before_re_encrypting(
    app, world, tmp_path, stored_pesel_token, monkeypatch
):
    keys_file = tmp_path / "pii_keys"
    keys_file.write_text(app.config["PII_KEYS"])
    app.config["PII_KEYS_FILE"] = str(keys_file)

    def fails():
        raise RuntimeError("przerwano")

    monkeypatch.setattr(participants, "rotate_keys", fails)
    result = app.test_cli_runner().invoke(args=["rotate-pii-key"])
    assert result.exit_code != 0
    keys = keys_file.read_text().split(",")
    assert len(keys) == 2 and keys[1] == app.config["PII_KEYS"]
    crypto.configure(keys_file.read_text())  # what the file holds reads everything
    assert participants.read(world.participant, world.participant)["pesel"] == PESEL
