"""Participant data: validation, who reads it, encryption at rest, audit, export, erasure."""

import io
import json
from datetime import date

import openpyxl

from lib.identifiers import make_pesel
from models import AuditLog, User, db
from models.participants import ParticipantData
from services import participants, settings
from tests.batches import job_file
from tests.conftest import login

BIRTH = date(1980, 3, 15)
PESEL = make_pesel(BIRTH, male=False, serial=321)


def _data(**overrides):
    data = {
        "country": "Polska",
        "first_name": "Ewa",
        "last_name": "Testowa",
        "pesel": PESEL,
        "education": "isced5_8",
        "voivodeship": "mazowieckie",
        "powiat": "warszawski zachodni",
        "gmina": "1432013",  # Błonie, gmina miejsko-wiejska
        "town": "Testowo",
        "street": "ul. Zmyślona",
        "house_no": "7",
        "flat_no": "2",
        "postal_code": "00-950",
        "area": "wiejski",
        "phone": "+48 600 123 456",
        "email": "ewa@example.org",
        "occupation": "urzędnik",
        "joined_at": "2017-04-05",
        "minority": "odmowa",
        "disability": "nie",
        "disadvantage": "",
        "clause": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_participant_fills_their_data_and_pesel_gives_sex_birth_date_and_age(client, world):
    login(client, world.participant)
    page = client.get("/moje-dane").get_data(as_text=True)
    assert "Dane niekompletne" in page and settings.get("data_protection_clause")[:40] in page
    response = client.post("/moje-dane", data=_data())
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    page = client.get("/moje-dane").get_data(as_text=True)
    assert "Dane kompletne" in page
    assert "Wiek w dniu przystąpienia do projektu: <strong>37</strong>" in page
    values = participants.read(world.participant, world.participant)
    assert values["sex"] == "K" and values["birth_date"] == BIRTH
    assert participants.missing_fields(world.participant) == []


def test_each_bad_value_is_refused_next_to_its_field(client, world):
    login(client, world.participant)
    wrong_checksum = PESEL[:-1] + str((int(PESEL[-1]) + 1) % 10)
    cases = [
        ({"pesel": wrong_checksum}, "Nieprawidłowy PESEL"),
        ({"sex": "M"}, "Płeć nie zgadza się z numerem PESEL"),
        ({"birth_date": "1981-03-15"}, "Data urodzenia nie zgadza się z numerem PESEL"),
        ({"postal_code": "00950"}, "Kod pocztowy ma postać NN-NNN"),
        (
            {"pesel": "", "no_pesel": "y", "sex": "K", "birth_date": "2090-01-01"},
            "Data urodzenia nie może być w przyszłości",
        ),
        ({"pesel": make_pesel(date(2001, 1, 1), True, 5)}, "Uczestnik musi mieć ukończone 18 lat"),
        ({"pesel": ""}, "Proszę podać PESEL albo zaznaczyć"),
        ({"clause": None}, "Potwierdź zapoznanie się z klauzulą"),
    ]
    for change, message in cases:
        response = client.post("/moje-dane", data=_data(**change))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert message in page, (change, message)
        assert 'value="Testowo"' in page  # input kept
    assert ParticipantData.select().count() == 0


def test_a_pesel_is_unique_across_the_programme(client, world):
    participants.save(
        world.teammate,
        {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)},
        world.teammate,
    )
    login(client, world.participant)
    response = client.post("/moje-dane", data=_data())
    assert "Ten PESEL podał już inny uczestnik" in response.get_data(as_text=True)


def test_the_raw_table_holds_no_plaintext(client, world):
    login(client, world.participant)
    client.post("/moje-dane", data=_data())
    cursor = db.execute_sql("SELECT * FROM participant_data")
    raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    for secret in (PESEL, "1980-03-15", "Zmyślona", "600 123 456", "00-950", "odmowa"):
        assert secret not in raw
    assert "Ewa" in raw  # the name is not among the encrypted fields


def test_coordinator_reads_are_audited_and_others_get_404(app, world):
    participants.save(
        world.participant,
        {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)},
        world.participant,
    )
    coordinator = app.test_client()
    login(coordinator, world.coordinator)
    page = coordinator.get(f"/uczestnicy/{world.participant.id}/dane").get_data(as_text=True)
    assert PESEL in page
    entry = AuditLog.get(AuditLog.action == "pii_read")
    assert (
        entry.actor_id == world.coordinator.id and entry.subject == f"user:{world.participant.id}"
    )
    assert PESEL not in (entry.details + entry.subject)
    for user in (world.expert, world.admin, world.teammate):
        client = app.test_client()
        login(client, user)
        response = client.get(f"/uczestnicy/{world.participant.id}/dane")
        assert response.status_code == 404 and PESEL not in response.get_data(as_text=True)
    status = coordinator.get("/uczestnicy").get_data(as_text=True)
    assert world.teammate.full_name in status and "niekompletne" in status


def test_xlsx_export_has_the_register_columns_as_text_and_is_audited(client, world):
    participants.save(
        world.participant,
        {
            **_data(occupation='=HYPERLINK("x")'),
            "birth_date": BIRTH,
            "sex": "K",
            "joined_at": date(2017, 4, 5),
        },
        world.participant,
    )
    login(client, world.coordinator)
    response = job_file(client, "/zadania-w-tle/uczestnicy")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:6] == [
        "Kraj",
        "Rodzaj uczestnika",
        "Nazwa instytucji",
        "Imię",
        "Nazwisko",
        "PESEL",
    ]
    assert header[-3:] == [
        "Mniejszość, migrant, obce pochodzenie",
        "Niepełnosprawność",
        "Inna niekorzystna sytuacja społeczna",
    ]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["PESEL"].value == PESEL and row["PESEL"].data_type == "s"
    assert row["Wykonywany zawód"].value == '=HYPERLINK("x")'
    assert row["Wykonywany zawód"].data_type == "s"  # text, never a formula
    assert row["Nazwa instytucji"].value == "Gmina Własna"
    assert row["Wiek w chwili przystąpienia do projektu"].value == "37"
    assert AuditLog.select().where(AuditLog.action == "pii_exported").exists()


def test_participant_downloads_what_is_stored(client, world):
    login(client, world.participant)
    client.post("/moje-dane", data=_data())
    response = client.get("/moje-dane/eksport.json")
    data = json.loads(response.data)
    assert data["dane_uczestnika"]["pesel"] == PESEL
    assert data["konto"]["email"] == world.participant.email


def test_purge_erases_sensitive_fields_and_keeps_anonymous_facts(app, world):
    participants.save(
        world.participant,
        {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)},
        world.participant,
    )
    participants.save_leaving(
        world.participant, date(2017, 11, 17), "ukończył(a) szkolenie", world.coordinator
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-personal-data", "--before", "2018-01-01", "--yes"])
    assert result.exit_code == 1 and "Okres przechowywania danych trwa do" in result.output
    settings.save({"retention_until": "2020-12-31"})
    before = participants.anonymous_counts()
    result = runner.invoke(args=["purge-personal-data", "--before", "2018-01-01", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Usunięto dane osobowe: {world.participant.full_name}" in result.output
    values = participants.read(world.participant, world.participant)
    assert values["pesel"] == "" and values["street"] == "" and values["phone"] == ""
    assert values["first_name"] == "Ewa" and values["erased_at"] is not None
    assert participants.anonymous_counts() == before == {("K", "25-54", "isced5_8"): 1}
    assert not User.get_by_id(world.participant.id).active
    assert runner.invoke(args=["purge-personal-data", "--before", "nie-data"]).exit_code != 0


def test_coordinator_erases_one_participant_after_retention(client, world):
    participants.save(
        world.participant,
        {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)},
        world.participant,
    )
    login(client, world.coordinator)
    path = f"/uczestnicy/{world.participant.id}/usuniecie-danych"
    assert "nie można jeszcze usunąć" in client.get(path).get_data(as_text=True)
    client.post(path)
    assert participants.read(world.participant, world.participant)["pesel"] == PESEL
    settings.save({"retention_until": "2020-12-31"})
    client.post(path)
    assert participants.read(world.participant, world.participant)["pesel"] == ""


def test_key_rotation_keeps_every_value(app, world, tmp_path):
    participants.save(
        world.participant,
        {**_data(), "birth_date": BIRTH, "sex": "K", "joined_at": date(2017, 4, 5)},
        world.participant,
    )
    old_token = ParticipantData.get().pesel_enc
    keys_file = tmp_path / "pii_keys"
    keys_file.write_text(app.config["PII_KEYS"])
    app.config["PII_KEYS_FILE"] = str(keys_file)
    result = app.test_cli_runner().invoke(args=["rotate-pii-key"])
    assert result.exit_code == 0, result.output
    new_keys = keys_file.read_text().split(",")
    assert len(new_keys) == 2 and new_keys[1] == app.config["PII_KEYS"]
    assert ParticipantData.get().pesel_enc != old_token
    assert participants.read(world.participant, world.participant)["pesel"] == PESEL
    from lib import crypto

    crypto.configure(new_keys[0])  # the new key alone reads everything
    assert participants.read(world.participant, world.participant)["street"] == "ul. Zmyślona"
    crypto.configure(app.config["PII_KEYS"])


def test_demo_fills_six_participants(app):
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    done = {
        u.email: not participants.missing_fields(u)
        for u in User.select().where(User.email.startswith("uczestnik"))
    }
    assert [e for e, ok in sorted(done.items()) if ok] == [
        f"uczestnik{n}@example.org" for n in range(1, 7)
    ]
