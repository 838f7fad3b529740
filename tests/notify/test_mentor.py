"""Messages to the mentor (issue 20.5): the team and its expert talk, coordinators read, others
do not see the thread; the other side is notified; experts see unread threads in the worklist."""

from models import OutboxMessage
from models.review import Notification
from tests.conftest import login


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_team_writes_expert_is_notified_and_sees_it_unread_in_the_worklist(app, world):
    app.config["SMTP_HOST"] = "smtp.example.org"
    team = _client(app, world.participant)
    url = f"/jst/{world.jst.id}/wiadomosci"
    response = team.post(url, data={"body": "Jak liczyć wskaźnik?\nhttps://ore.example.org/a"})
    assert response.status_code == 302
    page = team.get(url).get_data(as_text=True)
    assert "Jak liczyć wskaźnik?" in page
    assert '<a href="https://ore.example.org/a" rel="noopener nofollow">' in page
    (note,) = Notification.select().where(Notification.user == world.expert.id)
    assert note.text == "Nowa wiadomość od zespołu JST Gmina Własna." and note.url == url
    assert OutboxMessage.select().where(OutboxMessage.to == world.expert.email).count() == 1
    assert Notification.select().where(Notification.user == world.teammate.id).count() == 0

    expert = _client(app, world.expert)
    worklist = expert.get("/opiniowanie").get_data(as_text=True)
    assert "Nieprzeczytane wiadomości od zespołów" in worklist
    assert f'<a href="{url}">Gmina Własna</a>: 1' in worklist
    assert "Jak liczyć wskaźnik?" in expert.get(url).get_data(as_text=True)  # read now
    assert "Nieprzeczytane wiadomości" not in expert.get("/opiniowanie").get_data(as_text=True)
    assert expert.post(url, data={"body": "Zobacz rozdział 3."}).status_code == 302
    for member in (world.participant, world.teammate):
        texts = [n.text for n in Notification.select().where(Notification.user == member.id)]
        assert texts == ["Nowa wiadomość od eksperta dla zespołu JST Gmina Własna."]


def test_html_is_shown_as_text_and_empty_or_too_long_is_refused_at_the_field(app, world):
    team = _client(app, world.participant)
    url = f"/jst/{world.jst.id}/wiadomosci"
    team.post(url, data={"body": "<script>alert(1)</script>"})
    page = team.get(url).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    empty = team.post(url, data={"body": "   "})
    assert empty.status_code == 422
    assert 'id="body-error">Proszę wpisać treść wiadomości.' in empty.get_data(as_text=True)
    long = team.post(url, data={"body": "x" * 5001})
    assert long.status_code == 422
    assert 'id="body-error">Najwyżej 5000 znaków.' in long.get_data(as_text=True)


def test_coordinator_reads_without_writing_others_get_404_admin_403(app, world):
    _client(app, world.participant).post(
        f"/jst/{world.jst.id}/wiadomosci", data={"body": "Wiadomość zespołu"}
    )
    url = f"/jst/{world.jst.id}/wiadomosci"
    coordinator = _client(app, world.coordinator)
    page = coordinator.get(url).get_data(as_text=True)
    assert "Wiadomość zespołu" in page and "Nowa wiadomość" not in page
    assert coordinator.post(url, data={"body": "x"}).status_code == 403
    assert _client(app, world.other_participant).get(url).status_code == 404
    assert _client(app, world.other_expert).get(url).status_code == 404
    assert _client(app, world.admin).get(url).status_code == 403
    jst_page = _client(app, world.participant).get(f"/jst/{world.jst.id}").get_data(as_text=True)
    assert f'href="{url}"' in jst_page
