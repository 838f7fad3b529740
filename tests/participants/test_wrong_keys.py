"""Wrong personal-data keys (issue 15, point 12): found at start-up and by /healthz (503, the
reason in the log), and personal-data pages say in Polish that the data is unavailable (503)
instead of a bare 500."""

import logging
from datetime import date

import pytest
from cryptography.fernet import Fernet

from app import create_app
from lib import crypto
from services import participants
from tests.conftest import login
from tests.participants.test_participant_data import BIRTH, _data

UNAVAILABLE = "Dane osobowe są chwilowo niedostępne"


@pytest.fixture
def stored(app, world):
    data = {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)}
    participants.save(world.participant, data, world.participant)
    yield
    crypto.configure(app.config["PII_KEYS"])


def _wrong_keys_app(app_config):
    return create_app({**app_config, "PII_KEYS": Fernet.generate_key().decode()})


def test_start_up_with_wrong_keys_logs_the_reason_and_healthz_answers_503(
    app_config, world, stored, caplog
):
    with caplog.at_level(logging.ERROR):
        wrong = _wrong_keys_app(app_config)
    assert "PII_KEYS do not decrypt the stored personal data" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        response = wrong.test_client().get("/healthz")
    assert response.status_code == 503
    assert "PII_KEYS do not decrypt the stored personal data" in caplog.text


def test_healthz_is_200_with_the_right_keys(client, world, stored):
    assert client.get("/healthz").status_code == 200


def test_personal_data_pages_say_the_data_is_unavailable(app_config, world, stored, caplog):
    client = _wrong_keys_app(app_config).test_client()
    login(client, world.participant)
    with caplog.at_level(logging.ERROR):
        response = client.get("/moje-dane")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert UNAVAILABLE in page and "Traceback" not in page
    assert "personal data cannot be decrypted" in caplog.text
    client.post("/logout")
    login(client, world.coordinator)
    response = client.get(f"/uczestnicy/{world.participant.id}/dane")
    assert response.status_code == 503 and UNAVAILABLE in response.get_data(as_text=True)
    assert client.get("/przeglad").status_code == 200  # the rest of the site works
