"""Issue 27.3: an implementation-task report tells the person who must act — the expert when the
team sends it, the team when the expert accepts or returns it — in the app and by e-mail (per
their preference), with a link to the report."""

from datetime import date

import pytest

from models import OutboxMessage
from models.programme import Module, Task
from models.review import Notification
from tests.conftest import login


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


@pytest.fixture
def task_url(app, world):
    app.config["SMTP_HOST"] = "smtp.example.org"  # e-mails go to the outbox
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    task = Task.create(module=module, title="Diagnoza potrzeb szkół")
    return f"/jst/{world.jst.id}/zadania/{task.id}"


def _notes(user):
    return [(n.text, n.url) for n in Notification.select().where(Notification.user == user.id)]


def _mails(user):
    return OutboxMessage.select().where(OutboxMessage.to == user.email)


def test_a_sent_report_notifies_the_expert_with_a_link_to_it(app, world, task_url):
    team = _client(app, world.participant)
    assert team.post(task_url, data={"text": "Zrobiliśmy diagnozę."}).status_code == 302
    text = "Zespół JST Gmina Własna przekazał sprawozdanie z zadania „Diagnoza potrzeb szkół”."
    assert _notes(world.expert) == [(text, task_url)]
    (mail,) = _mails(world.expert)
    assert task_url in mail.body
    assert _notes(world.teammate) == [] and _notes(world.other_expert) == []
    # the expert meets it in the menu's badge and on the notifications page, linked to the report
    page = _client(app, world.expert).get("/powiadomienia").get_data(as_text=True)
    assert "przekazał sprawozdanie z zadania" in page


@pytest.mark.parametrize(
    ("decision", "comment", "outcome"),
    [("accept", "", "przyjął"), ("more", "Proszę dodać wnioski.", "zwrócił do uzupełnienia")],
    ids=["przyjete", "zwrocone"],
)
def test_the_experts_decision_notifies_the_team(app, world, task_url, decision, comment, outcome):
    _client(app, world.participant).post(task_url, data={"text": "Zrobiliśmy diagnozę."})
    expert = _client(app, world.expert)
    response = expert.post(f"{task_url}/decyzja", data={"decision": decision, "comment": comment})
    assert response.status_code == 302
    text = f"Ekspert {outcome} sprawozdanie JST Gmina Własna z zadania „Diagnoza potrzeb szkół”."
    for member in (world.participant, world.teammate):
        assert _notes(member) == [(text, task_url)]
        assert _mails(member).count() == 1
    assert [t for t, _ in _notes(world.expert)] == [
        "Zespół JST Gmina Własna przekazał sprawozdanie z zadania „Diagnoza potrzeb szkół”."
    ]
    assert _notes(world.other_participant) == []


def test_in_app_only_preference_sends_no_mail(app, world, task_url):
    expert = _client(app, world.expert)
    assert expert.post("/konto/powiadomienia", data={"mode": "app"}).status_code == 302
    _client(app, world.participant).post(task_url, data={"text": "Zrobiliśmy diagnozę."})
    assert len(_notes(world.expert)) == 1
    assert _mails(world.expert).count() == 0
