"""The review loop over HTTP, notifications and mail, the worklist, the expert visit."""

import re
import smtplib

from models.mail import OutboxMessage
from models.plans import Plan
from models.review import Comment, Notification
from services import demo, mail, plans
from tests.conftest import login


def _seeded(app):
    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    from models import Jst, User

    jst = Jst.get(Jst.name == "Gmina Przykładowo")
    users = {u.email: u for u in User.select()}
    return jst, users


def _client(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": "demo-haslo-123"})
    return client


def test_the_whole_review_loop(app):
    app.config["SMTP_HOST"] = "smtp.example.org"  # mail goes to the outbox
    jst, users = _seeded(app)
    team = _client(app, users["uczestnik1@example.org"])
    expert = _client(app, users["ekspert1@example.org"])
    base = f"/jst/{jst.id}/plan"
    assert "przekazano" in team.post(f"{base}/status/przekaz", follow_redirects=True).get_data(
        as_text=True
    )
    assert (
        Notification.select().where(Notification.user == users["ekspert1@example.org"]).count() == 1
    )
    worklist = expert.get("/opiniowanie").get_data(as_text=True)
    assert "Gmina Przykładowo" in worklist and "Przekazany do opiniowania" in worklist
    plan = Plan.get(Plan.jst == jst)
    action = plans.rows(plan, "dzialania")[0]
    response = expert.post(
        f"{base}/uwagi",
        data={
            "step": "dzialania",
            "row_kind": "dzialania",
            "row_uid": action.uid,
            "body": "Proszę podać liczbę nauczycieli, zob. https://example.org/wskazniki",
            "next": f"{base}/czytaj",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/czytaj")
    comment = Comment.get(Comment.plan == plan)
    assert comment.plan_version == 2 and comment.row_label == action.title
    page = team.get(f"{base}/dzialania").get_data(as_text=True)
    assert "Proszę podać liczbę nauczycieli" in page
    assert '<a href="https://example.org/wskazniki" rel="noopener nofollow">' in page
    assert "1 uwaga" in page  # the count in the progress bar
    assert "Powiadomienia <span" in page  # the unread badge
    team.post(f"{base}/uwagi/{comment.id}/odpowiedz", data={"body": "Uzupełnimy."})
    row = expert.get("/opiniowanie").get_data(as_text=True).split("Gmina Przykładowo")[1]
    assert row.split("</tr>")[0].count("<td>1</td>") == 2  # an unresolved comment, an unread reply
    expert.post(f"{base}/status/zwroc", data={"message": "Proszę poprawić wskaźnik."})
    page = team.get(f"{base}/dzialania").get_data(as_text=True)
    assert "Plan zwrócony do poprawy" in page and "Proszę poprawić wskaźnik." in page
    row = f"{base}/dzialania/dzialania/{action.uid}"
    html = team.get(row).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    goal = plans.rows(plan, "cele-operacyjne")[0]
    team.post(
        row,
        data={
            "uid": action.uid,
            "version": version,
            "title": action.title,
            "goal": goal.id,
            "responsible": "Referat Oświaty",
            "start_month": "2017-09",
            "end_month": "2018-06",
            "indicator": "liczba nauczycieli",
            "target": "24",
            "schools": [s.id for s in plans.rows(plan, "szkoly")],
        },
    )
    team.post(f"{base}/status/przekaz")
    assert Plan.get_by_id(plan.id).status == "submitted"
    page = expert.get(f"{base}/czytaj").get_data(as_text=True)
    assert "dotyczy wersji 2" in page and "pozycja zmieniona od czasu uwagi" in page
    expert.post(f"{base}/uwagi/{comment.id}/rozwiaz")
    assert Comment.get_by_id(comment.id).resolved_at is not None
    expert.post(f"{base}/status/zatwierdz")
    assert Plan.get_by_id(plan.id).status == "accepted"
    page = team.get(f"{base}/diagnoza").get_data(as_text=True)
    assert "Plan zatwierdzony" in page and "tylko do odczytu" in page
    captured = []
    sent, failed = mail.send_pending(app.config, send=captured.append)
    assert sent == len(captured) > 0 and failed == 0
    subjects = [m["Subject"] for m in captured]
    assert any("Nowa uwaga" in s for s in subjects) and any("zatwierdzono" in s for s in subjects)


def test_a_refusing_mail_server_loses_nothing(app, world):
    app.config["SMTP_HOST"] = "smtp.example.org"
    client = app.test_client()
    login(client, world.expert)
    client.post(f"/jst/{world.jst.id}/plan/uwagi", data={"step": "wizja", "body": "Uwaga"})
    assert Comment.select().count() == 1 and OutboxMessage.select().count() == 2  # two members

    def refuse(message):
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no")})

    assert mail.send_pending(app.config, send=refuse) == (0, 2)
    assert Comment.select().count() == 1
    assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 2
    assert mail.send_pending(app.config, send=lambda m: None) == (2, 0)  # retried later


def test_team_cannot_start_threads_and_other_experts_get_404(app, world):
    team = app.test_client()
    login(team, world.participant)
    assert (
        team.post(
            f"/jst/{world.jst.id}/plan/uwagi", data={"step": "wizja", "body": "x"}
        ).status_code
        == 403
    )
    other = app.test_client()
    login(other, world.other_expert)
    assert other.get(f"/jst/{world.jst.id}/plan/czytaj").status_code == 404
    assert other.get(f"/jst/{world.jst.id}/wizyta").status_code == 404


def test_comments_are_plain_text(app, world):
    client = app.test_client()
    login(client, world.expert)
    client.post(
        f"/jst/{world.jst.id}/plan/uwagi",
        data={"step": "wizja", "body": "<script>alert(1)</script> {{ 7*7 }}"},
    )
    page = client.get(f"/jst/{world.jst.id}/plan/wizja").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in page


def test_notifications_open_and_mark_read(app, world):
    client = app.test_client()
    login(client, world.expert)
    client.post(f"/jst/{world.jst.id}/plan/uwagi", data={"step": "wizja", "body": "Uwaga"})
    team = app.test_client()
    login(team, world.participant)
    note = Notification.get(Notification.user == world.participant)
    assert "Nowa uwaga do planu JST Gmina Własna" in team.get("/powiadomienia").get_data(
        as_text=True
    )
    response = team.get(f"/powiadomienia/{note.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/plan/wizja")
    assert Notification.get_by_id(note.id).read_at is not None
    assert team.get(f"/powiadomienia/{note.id + 1000}").status_code == 404


def test_expert_visit_is_recorded_and_listed(app, world):
    expert = app.test_client()
    login(expert, world.expert)
    response = expert.post(
        f"/jst/{world.jst.id}/wizyta",
        data={
            "visit_date": "2017-09-12",
            "form": "szkolenie",
            "attendees": "Rada pedagogiczna",
            "topics": "Diagnoza potrzeb",
            "conclusions": "Dalsza praca nad wskaźnikami",
        },
    )
    assert response.status_code == 302
    bad = expert.post(
        f"/jst/{world.jst.id}/wizyta", data={"visit_date": "jutro", "form": "szkolenie"}
    )
    assert bad.status_code == 422 and "RRRR-MM-DD" in bad.get_data(as_text=True)
    team = app.test_client()
    login(team, world.participant)
    page = team.get(f"/jst/{world.jst.id}/wizyta").get_data(as_text=True)
    assert "12 września 2017" in page and "Dalsza praca nad wskaźnikami" in page
    coordinator = app.test_client()
    login(coordinator, world.coordinator)
    page = coordinator.get("/wizyty").get_data(as_text=True)
    assert "Bez wizyty: <strong>1</strong> z 2" in page
