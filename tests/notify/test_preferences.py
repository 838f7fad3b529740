"""Notification preferences (issue 20.3): e-mail at once, a daily digest (once, the Polish
day), or in-app only; every e-mail links to the setting."""

from datetime import date, datetime

import pytest

from models import OutboxMessage
from models.programme import Module, Task
from models.review import Notification
from services import mail, preferences, reminders, settings
from tests.conftest import login


@pytest.fixture
def config(app):
    app.config["SMTP_HOST"] = "smtp.example.org"
    app.config["BASE_URL"] = "https://plan.example.org"
    settings.save({key: "" for key in set(reminders.KINDS.values())})
    return app.config


def _mails(user):
    return list(OutboxMessage.select().where(OutboxMessage.to == user.email))


def test_the_choice_is_saved_on_the_account_page(world, client):
    login(client, world.participant)
    assert "Zmień sposób powiadamiania" in client.get("/konto").get_data(as_text=True)
    assert client.post("/konto/powiadomienia", data={"mode": "digest"}).status_code == 302
    assert preferences.mode(world.participant) == "digest"
    page = client.get("/konto").get_data(as_text=True)
    assert "E-mailem: Jeden e-mail dziennie z podsumowaniem." in page
    assert client.post("/konto/powiadomienia", data={"mode": "czasem"}).status_code == 422


def test_in_app_only_and_digest_users_get_no_immediate_mail(world, config, client):
    preferences.set_mode(world.participant, "app")
    preferences.set_mode(world.teammate, "digest")
    settings.save({"reminder_task_days": "3"})
    module = Module.create(number=1, start_date=date(2026, 11, 2), end_date=date(2026, 11, 3))
    Task.create(module=module, title="Zadanie", due_date=date(2026, 12, 8))
    assert reminders.send_due(config, datetime(2026, 12, 6, 23, 0))["task"] == 4
    assert Notification.select().where(Notification.user == world.participant.id).count() == 1
    assert _mails(world.participant) == [] and _mails(world.teammate) == []
    assert len(_mails(world.other_participant)) == 1
    coordinator = client
    login(coordinator, world.coordinator)
    coordinator.post(
        "/ogloszenia/nowe",
        data={"title": "T", "body": "B", "audience": "jst", "jst": str(world.jst.id)}
        | {"group": "1", "kind": "gmina_wiejska"},
    )
    assert _mails(world.participant) == [] and _mails(world.teammate) == []


def test_the_digest_of_yesterday_goes_out_once_from_six_polish_time(world, config):
    preferences.set_mode(world.teammate, "digest")
    # 7 December in Warsaw: 23:30 UTC on the 6th is already the 7th, 23:30 UTC on the 7th not
    for at, text in [
        (datetime(2026, 12, 6, 22, 30), "z 6 grudnia"),
        (datetime(2026, 12, 6, 23, 30), "Pierwsze"),
        (datetime(2026, 12, 7, 12, 0), "Drugie"),
        (datetime(2026, 12, 7, 23, 30), "z 8 grudnia"),
    ]:
        Notification.create(user=world.teammate, kind="x", text=text, url="/x", created_at=at)
    Notification.create(
        user=world.participant,
        kind="x",
        text="Inne",
        url="/x",
        created_at=datetime(2026, 12, 7, 12, 0),
    )  # immediate: no digest
    assert preferences.send_digests(config, datetime(2026, 12, 8, 4, 59)) == 0  # 5:59
    assert preferences.send_digests(config, datetime(2026, 12, 8, 5, 0)) == 1
    assert preferences.send_digests(config, datetime(2026, 12, 8, 9, 0)) == 0  # once
    (digest,) = _mails(world.teammate)
    assert digest.subject == "Plan JST: podsumowanie dnia 07.12.2026 (2)"
    assert "• Pierwsze\n  https://plan.example.org/x" in digest.body and "Drugie" in digest.body
    assert "z 6 grudnia" not in digest.body and "z 8 grudnia" not in digest.body
    assert _mails(world.participant) == []


def test_every_sent_mail_links_to_the_setting(world, config):
    OutboxMessage.create(to="a@example.org", subject="S", body="Treść")
    captured = []
    mail.send_pending(config, send=captured.append)
    (message,) = captured
    assert "https://plan.example.org/konto/powiadomienia" in message.get_content()


def test_a_refused_address_is_marked_on_the_users_page_until_it_works(world, config, client):
    import smtplib

    OutboxMessage.create(to=world.participant.email, subject="S", body="Treść")

    def refuse(message):
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 User unknown")})

    assert mail.send_pending(config, send=refuse) == (0, 1)
    login(client, world.coordinator)
    page = client.get(f"/uzytkownicy/{world.participant.id}").get_data(as_text=True)
    assert "adres odrzucany" in page and "550 5.1.1 User unknown" in page
    assert "adres odrzucany" not in client.get(f"/uzytkownicy/{world.teammate.id}").get_data(
        as_text=True
    )
    assert mail.send_pending(config, send=lambda m: None) == (1, 0)  # retried: it works now
    page = client.get(f"/uzytkownicy/{world.participant.id}").get_data(as_text=True)
    assert "adres odrzucany" not in page
