"""Signed copies: recorded once, kept encrypted, flagged when the document changes, listed while
missing."""

from datetime import date

import pytest

from models import AuditLog, Jst
from models.documents import SignedCopy
from services import documents, participants, plans, settings
from tests.conftest import login
from tests.documents.conftest import _add_school, _ore_settings, _participant_data, _text


def test_signed_copy_is_kept_and_a_later_change_is_flagged(client, world):
    _ore_settings()
    _add_school(world.jst, world.participant)
    login(client, world.coordinator)
    for _ in range(2):  # a double click records it once
        client.post(
            f"/jst/{world.jst.id}/dokumenty/podpisane",
            data={"kind": "deklaracja", "received_on": "2017-04-20"},
        )
    assert SignedCopy.select().count() == 1
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "Podpisany egzemplarz otrzymano 20 kwietnia 2017" in page
    assert "nie odpowiada podpisanemu" not in page
    assert "Gmina Własna" in _text(client.get("/dokumenty/podpisane/1.docx").data)
    Jst.update(city="Inne Miasto").where(Jst.id == world.jst.id).execute()
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "nie odpowiada podpisanemu egzemplarzowi" in page
    assert "Testowo" in _text(client.get("/dokumenty/podpisane/1.docx").data)  # the exact file


@pytest.mark.parametrize("kind", ["lista_obecnosci", "zaswiadczenie", "nieznany"])
def test_signed_copy_of_a_kind_that_is_not_signed_is_refused_in_polish(client, world, kind):
    login(client, world.coordinator)
    response = client.post(
        f"/jst/{world.jst.id}/dokumenty/podpisane",
        data={"kind": kind, "received_on": "2017-04-20"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Podpisany egzemplarz zapisuje się tylko dla oświadczenia uczestnika" in (
        response.get_data(as_text=True)
    )
    assert SignedCopy.select().count() == 0


def test_signed_declaration_shows_who_recorded_it_warns_on_change_and_is_audited(client, world):
    _participant_data(world.participant)
    login(client, world.coordinator)
    client.post(
        f"/jst/{world.jst.id}/dokumenty/podpisane",
        data={
            "kind": "oswiadczenie",
            "participant": world.participant.id,
            "received_on": "2017-04-20",
        },
    )
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert f"otrzymano 20 kwietnia 2017 (zapisał(a): {world.coordinator.full_name}," in page
    assert "nie odpowiada podpisanemu" not in page
    _participant_data(world.participant, street="ul. Nowa")
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "obecne oświadczenie nie odpowiada podpisanemu egzemplarzowi" in page
    copy = SignedCopy.get()
    downloads = AuditLog.select().where(AuditLog.action == "document_download")
    assert downloads.count() == 0
    response = client.get(f"/dokumenty/podpisane/{copy.id}.docx")
    assert "ul. Zmyślona" in _text(response.data)  # the exact file that was signed
    entry = downloads.get()
    assert (
        entry.subject == f"user:{world.participant.id}" and entry.actor_id == world.coordinator.id
    )


def test_signed_declaration_is_stored_encrypted_erased_and_rotated(client, world, app):
    from lib import crypto

    _participant_data(world.participant)
    login(client, world.coordinator)
    client.post(
        f"/jst/{world.jst.id}/dokumenty/podpisane",
        data={
            "kind": "oswiadczenie",
            "participant": world.participant.id,
            "received_on": "2017-04-20",
        },
    )
    copy = SignedCopy.get()
    raw = bytes(copy.data)
    assert crypto.is_token(raw) and not raw.startswith(b"PK")  # not a readable .docx at rest
    assert "ul. Zmyślona" in _text(client.get(f"/dokumenty/podpisane/{copy.id}.docx").data)
    # a key rotation re-encrypts it; the new key alone reads it
    old_keys = app.config["PII_KEYS"]
    new_key = crypto.new_key()
    crypto.configure(new_key + "," + old_keys)
    participants.rotate_keys()
    crypto.configure(new_key)
    assert "ul. Zmyślona" in _text(documents.signed_file(SignedCopy.get()))
    crypto.configure(old_keys + "," + new_key)
    # erasure removes the stored signed declaration with the rest of the data
    participants.erase(world.participant, world.coordinator)
    assert SignedCopy.select().where(SignedCopy.participant == world.participant.id).count() == 0


def test_migration_encrypts_signed_copies_stored_before(app, world):
    from lib import crypto
    from models.documents import m0041_encrypt_signed_copies

    plain = b"PK\x03\x04 a signed copy stored before encryption"
    copy = SignedCopy.create(
        kind="deklaracja",
        jst=world.jst,
        received_on=date(2017, 4, 20),
        fingerprint="0" * 64,
        filename="deklaracja.docx",
        data=plain,
    )
    m0041_encrypt_signed_copies()
    m0041_encrypt_signed_copies()  # twice: a token is not encrypted again
    stored = SignedCopy.get_by_id(copy.id)
    assert crypto.is_token(stored.data) and documents.signed_file(stored) == plain


def _submitted_plan(world, monkeypatch):
    monkeypatch.setattr(plans, "blocking", lambda gaps: [])  # a complete plan, whatever it holds
    plan = plans.get_plan(world.jst)
    plans.transition(plan, "submit", world.participant)
    return plan


def test_signed_plan_is_recorded_per_version_kept_and_a_change_is_flagged(
    client, world, monkeypatch
):
    plan = _submitted_plan(world, monkeypatch)
    login(client, world.coordinator)
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "Zapisz: podpisany plan w wersji 1 wrócił" in page
    assert 'for="received_on-plan-1">Data otrzymania podpisanego planu (wersja 1)' in page
    response = client.post(
        f"/jst/{world.jst.id}/dokumenty/podpisane",
        data={"kind": "plan", "version": "1", "received_on": "2017-05-20"},
    )
    assert response.status_code == 302
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert (
        f"Podpisany egzemplarz: otrzymano 20 maja 2017 (zapisał(a): {world.coordinator.full_name},"
        in page
    )
    assert "nie odpowiada podpisanemu" not in page
    copy = SignedCopy.get(SignedCopy.kind == "plan")
    assert f"/dokumenty/podpisane/{copy.id}.docx" in page
    signed = _text(client.get(f"/dokumenty/podpisane/{copy.id}.docx").data)
    assert "Wersja 1 · status: Przekazany do opiniowania" in signed
    plans.transition(plan, "accept", world.coordinator)  # the decision is not a data change
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "nie odpowiada podpisanemu" not in page
    settings.save({"programme_name": "Inny program"})
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "obecny plan w wersji 1 nie odpowiada podpisanemu egzemplarzowi" in page
    participant = client.application.test_client()
    login(participant, world.participant)
    page = participant.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert "Podpisany egzemplarz: otrzymano 20 maja 2017" in page
    assert "podpisane/" not in page and "Zapisz: podpisany plan" not in page


def test_signed_plan_needs_a_version(client, world, monkeypatch):
    _submitted_plan(world, monkeypatch)
    login(client, world.coordinator)
    response = client.post(
        f"/jst/{world.jst.id}/dokumenty/podpisane",
        data={"kind": "plan", "received_on": "2017-05-20"},
        follow_redirects=True,
    )
    assert "Wersja planu: Proszę podać wersję planu, której podpisany egzemplarz wrócił." in (
        response.get_data(as_text=True)
    )
    assert SignedCopy.select().count() == 0


def test_overview_lists_agreements_declarations_and_plans_not_back_signed(
    client, world, monkeypatch
):
    _participant_data(world.participant)
    _ore_settings()
    _add_school(world.jst, world.participant)
    _submitted_plan(world, monkeypatch)
    login(client, world.coordinator)
    page = client.get("/dokumenty").get_data(as_text=True)
    assert "Oświadczenia uczestników bez podpisanego egzemplarza (4)" in page
    assert f"{world.participant.full_name}, {world.teammate.full_name}" in page
    assert "Gmina Własna</a>" in page and "<td>wersja 1</td>" in page
    assert "Plany bez podpisanego egzemplarza ostatniej wersji (1)" in page
    url = f"/jst/{world.jst.id}/dokumenty/podpisane"
    for data in (
        {"kind": "deklaracja"},
        {"kind": "plan", "version": "1"},
        {"kind": "oswiadczenie", "participant": world.participant.id},
    ):
        client.post(url, data=data | {"received_on": "2017-05-20"})
    page = client.get("/dokumenty").get_data(as_text=True)
    assert "Deklaracje współpracy bez podpisanego egzemplarza (1)" in page
    assert "Oświadczenia uczestników bez podpisanego egzemplarza (3)" in page
    assert world.participant.full_name not in page and world.teammate.full_name in page
    assert "Plany bez podpisanego egzemplarza ostatniej wersji (0)" in page
    assert world.participant.email not in page and "Zmyślona" not in page  # names only


def _record_signed(client, jst, **data):
    """Post a signed copy; the page it redirects to."""
    response = client.post(
        f"/jst/{jst.id}/dokumenty/podpisane",
        data={"received_on": "2017-04-20"} | data,
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_signed_copy_of_an_incomplete_document_is_refused(client, world):
    _ore_settings()  # the agreement still lacks its schools; the teammate typed no data
    login(client, world.coordinator)
    page = _record_signed(client, world.jst, kind="deklaracja")
    assert "Nie zapisano podpisanego egzemplarza — dokument jest niekompletny" in page
    assert "brakuje: szkoły objęte wspomaganiem" in page
    page = _record_signed(client, world.jst, kind="oswiadczenie", participant=world.teammate.id)
    assert "Nie zapisano podpisanego egzemplarza — dokument jest niekompletny" in page
    assert SignedCopy.select().count() == 0
    page = client.get("/dokumenty").get_data(as_text=True)
    assert "Deklaracje współpracy bez podpisanego egzemplarza (2)" in page
    _add_school(world.jst, world.participant)
    page = _record_signed(client, world.jst, kind="deklaracja")
    assert "Zapisano podpisany egzemplarz" in page
    assert "WERSJA ROBOCZA" not in _text(documents.signed_file(SignedCopy.get()))


def test_signed_copy_needs_a_past_date_and_a_participant(client, world):
    _participant_data(world.participant)
    login(client, world.coordinator)
    page = _record_signed(
        client,
        world.jst,
        kind="oswiadczenie",
        participant=world.participant.id,
        received_on="2099-01-01",
    )
    assert "Data otrzymania nie może być późniejsza niż dziś" in page
    page = _record_signed(client, world.jst, kind="oswiadczenie")
    assert "Wskaż uczestnika, którego podpisane oświadczenie wróciło." in page
    assert SignedCopy.select().count() == 0
