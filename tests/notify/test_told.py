"""Every event that asks someone to act tells the person who must act (issue 27.3): in the app
(the notifications page, with a link to the place) and by e-mail per their preferences. Task
reports and announcements have their own files; here the plan returned, a comment answered and a
mentor message, in both directions where there are two."""

from models import OutboxMessage
from models.plans import Plan
from services import mentor, review
from tests.conftest import login

CONFIG = {"SMTP_HOST": "smtp.example.org", "BASE_URL": "https://planjst.example.org"}


def _told(app, user, text):
    """What `user` sees on their notifications page, and the e-mails queued for them."""
    client = app.test_client()
    login(client, user)
    page = client.get("/powiadomienia").get_data(as_text=True)
    mails = [m.subject for m in OutboxMessage.select().where(OutboxMessage.to == user.email)]
    return text in page, mails


def test_a_returned_plan_tells_the_team_not_the_expert(app, world):
    plan = Plan.create(jst=world.jst, status="submitted")
    review.on_transition(plan, "return", world.expert, "/jst/1/plan", CONFIG)
    text = "Plan JST Gmina Własna zwrócono do poprawy."
    for member in (world.participant, world.teammate):
        seen, mails = _told(app, member, text)
        assert seen and mails
    assert _told(app, world.expert, text) == (False, [])


def test_an_answered_comment_tells_the_other_side(app, world):
    plan = Plan.create(jst=world.jst, status="submitted")
    comment = review.add_comment(
        plan, "diagnoza", "", "", "Proszę uzupełnić dane.", world.expert, "/x", CONFIG
    )
    review.reply(comment, "Uzupełniono.", world.participant, "/jst/1/plan/diagnoza", CONFIG)
    seen, mails = _told(app, world.expert, "Nowa odpowiedź w wątku uwag do planu JST Gmina Własna")
    assert seen and mails
    assert not _told(app, world.participant, "Nowa odpowiedź w wątku")[0]  # not the author


def test_a_mentor_message_tells_the_other_side(app, world):
    mentor.post(world.jst, world.participant, "Pytanie o budżet", "/jst/1/wiadomosci", CONFIG)
    seen, _mails = _told(app, world.expert, "Nowa wiadomość od zespołu JST Gmina Własna")
    assert seen
    mentor.post(world.jst, world.expert, "Odpowiedź", "/jst/1/wiadomosci", CONFIG)
    seen, _mails = _told(app, world.teammate, "Nowa wiadomość od eksperta dla zespołu JST")
    assert seen
