"""Announcements (issue 20.1): recipients chosen by audience, shown on the home page until read,
e-mailed through the outbox, counted for the coordinator; bad input refused at the field."""

import io

import pytest

from models import OutboxMessage
from models.notify import Announcement, AnnouncementRecipient
from models.review import Notification
from tests.conftest import add_member, login, make_jst, make_user


@pytest.fixture
def coordinator(app, world):
    app.config["SMTP_HOST"] = "smtp.example.org"
    client = app.test_client()
    login(client, world.coordinator)
    return client


def _send(client, **fields):
    data = {"title": "Zmiana terminu", "body": "Moduł 2 przesunięty.", "audience": "participants"}
    data.update(group="1", kind="gmina_wiejska", jst="")  # the form's selects always post
    data.update(fields)
    return client.post("/ogloszenia/nowe", data=data, content_type="multipart/form-data")


def _recipients():
    return sorted(r.user_id for r in AnnouncementRecipient.select())


def test_audiences_choose_the_right_people(app, world, coordinator):
    powiat = make_jst("Powiat Testowy", kind="powiat")  # group III
    starosta_team = add_member(powiat)
    everyone = sorted(
        {m.user_id for jst in (world.jst, world.other_jst, powiat) for m in jst.memberships}
    )
    assert _send(coordinator).status_code == 302
    assert _recipients() == everyone  # every current team member
    AnnouncementRecipient.delete().execute()
    _send(coordinator, audience="experts")
    assert _recipients() == sorted([world.expert.id, world.other_expert.id])
    AnnouncementRecipient.delete().execute()
    _send(coordinator, audience="group", group="3")
    assert _recipients() == [starosta_team.id]
    AnnouncementRecipient.delete().execute()
    _send(coordinator, audience="kind", kind="powiat")
    assert _recipients() == [starosta_team.id]
    AnnouncementRecipient.delete().execute()
    _send(coordinator, audience="jst", jst=str(world.jst.id))
    assert _recipients() == sorted([world.participant.id, world.teammate.id])
    assert OutboxMessage.select().where(OutboxMessage.to == world.participant.email).count() == 2


def test_home_page_until_read_and_the_coordinator_sees_counts(app, world, coordinator):
    body = "Sala B. Mapa: https://ore.example.org/mapa <b>ważne</b>"
    pdf = (io.BytesIO(b"%PDF-1.4 mapa"), "mapa.pdf")
    _send(coordinator, audience="jst", jst=str(world.jst.id), body=body, attachment=pdf)
    item = Announcement.get()
    team = app.test_client()
    login(team, world.participant)
    home = team.get("/").get_data(as_text=True)
    assert "Zmiana terminu" in home and "&lt;b&gt;ważne&lt;/b&gt;" in home
    assert '<a href="https://ore.example.org/mapa" rel="noopener nofollow">' in home
    download = team.get(f"/ogloszenia/{item.id}/zalacznik")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 mapa"
    (mail,) = OutboxMessage.select().where(OutboxMessage.to == world.participant.email)
    assert mail.subject == "Plan JST: Zmiana terminu" and "Sala B." in mail.body
    overview = coordinator.get("/ogloszenia").get_data(as_text=True)
    assert "<td>zespół JST Gmina Własna</td>" in overview
    assert "<td>2</td><td>0</td>" in overview
    assert team.post(f"/ogloszenia/{item.id}/przeczytane").status_code == 302
    assert "Zmiana terminu" not in team.get("/").get_data(as_text=True)
    assert "<td>2</td><td>1</td>" in coordinator.get("/ogloszenia").get_data(as_text=True)
    other = app.test_client()
    login(other, world.other_participant)
    assert other.get(f"/ogloszenia/{item.id}/zalacznik").status_code == 404
    assert other.post(f"/ogloszenia/{item.id}/przeczytane").status_code == 404


def test_fan_out_runs_once(app, world, coordinator):
    from services import announcements

    _send(coordinator)
    item = Announcement.get()
    assert item.fanned_out_at is not None
    assert announcements.fan_out(item.id, app.config) == 0  # a second worker: nothing more
    assert AnnouncementRecipient.select().count() == 4
    assert OutboxMessage.select().count() == 4


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Proszę wpisać tytuł."),
        ({"body": "  "}, "body", "Proszę wpisać treść ogłoszenia."),
        ({"body": "x" * 10_001}, "body", "Najwyżej 10000 znaków."),
        ({"audience": "kind", "kind": "miasto_na_prawach_powiatu"}, "audience", "Nikt nie"),
        ({"audience": "jst", "jst": ""}, "jst", "Proszę wybrać JST."),
        ({"attachment": (io.BytesIO(b"MZ\x90"), "wirus.exe")}, "attachment", "Dozwolone pliki"),
        ({"attachment": (io.BytesIO(b"nie pdf"), "a.pdf")}, "attachment", "Zawartość pliku"),
    ],
)
def test_bad_input_is_refused_at_the_field(app, world, coordinator, fields, field, message):
    response = _send(coordinator, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error">{message}' in page
    assert Announcement.select().count() == 0


def test_an_inactive_user_gets_nothing(app, world, coordinator):
    make_user("expert", active=False)
    _send(coordinator, audience="experts")
    assert _recipients() == sorted([world.expert.id, world.other_expert.id])


@pytest.mark.parametrize(
    "name, served",
    [
        ("z" * 195 + ".html.pdf", "z" * 195 + "..pdf"),  # shortened before the extension
        ("r" * 240 + ".pdf", "r" * 196 + ".pdf"),
        ("../../etc/mapa.pdf", "mapa.pdf"),
        ("/tmp/mapa\x00.pdf", "mapa.pdf"),
        ("..\\..\\mapa\x07.pdf", "mapa.pdf"),
    ],
)
def test_an_attachment_is_served_under_the_name_that_was_checked(
    app, world, coordinator, name, served
):
    """Second audit: "z"*195 + ".html.pdf" was served to every recipient as "zzz….html", a long
    name lost its extension and path-like names were kept. Announcements use the check of task
    attachments."""
    pdf = (io.BytesIO(b"%PDF-1.4 mapa"), name)
    assert _send(coordinator, audience="jst", jst=str(world.jst.id), attachment=pdf).status_code
    item = Announcement.get()
    assert item.attachment_name == served
    team = app.test_client()
    login(team, world.participant)
    download = team.get(f"/ogloszenia/{item.id}/zalacznik")
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].endswith(".pdf")


@pytest.mark.parametrize("name", ["z" * 196 + ".pdf.html", "mapa.pdf/../x.html", "x" * 300])
def test_an_attachment_whose_stored_name_is_not_allowed_is_refused(world, coordinator, name):
    response = _send(coordinator, attachment=(io.BytesIO(b"%PDF-1.4 mapa"), name))
    assert response.status_code == 422
    assert "Dozwolone pliki: PDF, DOCX, XLSX, PNG, JPG." in response.get_data(as_text=True)
    assert not Announcement.select().exists()


def test_every_recipient_is_told_in_the_app_too(app, world, coordinator):
    """An announcement asks people to read it: besides the e-mail and the home page, each
    recipient's notifications (the bell) name it, linking to the home page."""
    _send(coordinator, audience="jst", jst=str(world.jst.id), title="Zmiana sali")
    told = Notification.select().where(Notification.kind == "announcement")
    assert sorted(n.user_id for n in told) == sorted([world.participant.id, world.teammate.id])
    assert {(n.text, n.url) for n in told} == {("Ogłoszenie: Zmiana sali", "/")}
    team = app.test_client()
    login(team, world.participant)
    assert "Ogłoszenie: Zmiana sali" in team.get("/powiadomienia").get_data(as_text=True)
