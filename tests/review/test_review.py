"""The review loop over HTTP, notifications and mail, the worklist, the expert visit."""

import re
import smtplib

from models.mail import OutboxMessage
from models.plans import Plan
from models.review import Comment, Notification
from services import demo, mail, plans
from tests.conftest import browser_client, csrf_token, login
from tests.plans.test_wizard import _add_row


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
    told = Notification.select().where(Notification.user == users["ekspert1@example.org"])
    before = told.count()  # the demo's thematic network has told the expert of its posts
    assert "przekazano" in team.post(f"{base}/status/przekaz", follow_redirects=True).get_data(
        as_text=True
    )
    assert told.count() == before + 1
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
    comment = Comment.get(Comment.plan == plan)
    assert response.status_code == 302  # back at the new comment, not the top of the page
    assert response.headers["Location"].endswith(f"/czytaj#comment-{comment.id}")
    assert comment.plan_version == 1 and comment.row_label == action.title  # the submitted one
    page = team.get(f"{base}/dzialania").get_data(as_text=True)
    assert "Proszę podać liczbę nauczycieli" in page
    assert "dotyczy wersji" not in page  # about the version the team sees now
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
    assert "dotyczy wersji 1" in page and "pozycja zmieniona od czasu uwagi" in page
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


def test_a_double_click_on_a_comment_or_reply_saves_it_once(app, world):
    expert, team = app.test_client(), app.test_client()
    login(expert, world.expert)
    login(team, world.participant)
    base = f"/jst/{world.jst.id}/plan"
    for _ in range(2):
        expert.post(f"{base}/uwagi", data={"step": "wizja", "body": "Dopiszcie cele."})
    assert Comment.select().count() == 1
    comment = Comment.get()
    for _ in range(2):
        team.post(f"{base}/uwagi/{comment.id}/odpowiedz", data={"body": "Dopiszemy."})
    assert Comment.select().where(Comment.parent == comment.id).count() == 1
    expert.post(f"{base}/uwagi", data={"step": "wizja", "body": "Druga, inna uwaga."})
    assert Comment.select().where(Comment.parent.is_null()).count() == 2


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


def _section(page, slug):
    """The reading view's section of one step: its content and its margin."""
    return page.split(f'id="read-{slug}"')[1].split("</section>")[0]


def test_a_comment_is_about_the_version_it_was_written_on(app):
    jst, users = _seeded(app)
    team = _client(app, users["uczestnik1@example.org"])
    expert = _client(app, users["ekspert1@example.org"])
    base = f"/jst/{jst.id}/plan"
    expert.post(f"{base}/uwagi", data={"step": "wizja", "body": "Uwaga do szkicu."})
    team.post(f"{base}/status/przekaz")  # the draft becomes version 1
    expert.post(f"{base}/uwagi", data={"step": "wizja", "body": "Uwaga do wersji pierwszej."})
    page = expert.get(f"{base}/czytaj").get_data(as_text=True)
    assert "dotyczy wersji" not in page  # both are about version 1, the one shown now
    expert.post(f"{base}/status/zwroc", data={"message": "Proszę poprawić wizję."})
    team.post(f"{base}/status/przekaz")  # version 2
    page = expert.get(f"{base}/czytaj").get_data(as_text=True)
    assert page.count("dotyczy wersji 1") == 2 and "dotyczy wersji 2" not in page


def test_reading_view_compares_with_the_previous_version(app):
    _seeded(app)
    from models import Jst, User

    coordinator = _client(app, User.get(User.email == "koordynator@example.org"))
    jst = Jst.get(Jst.name == "Powiat Testowy")  # submitted twice: versions 1 and 2
    page = coordinator.get(f"/jst/{jst.id}/plan/czytaj").get_data(as_text=True)
    link = re.search(r'href="([^"]*/porownaj[^"]*)">([^<]*)<', page)
    assert link.group(2) == "Porównaj z poprzednią wersją (wersja 1 → wersja 2)"
    compared = coordinator.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Zmiany od wersji 1 do wersji 2" in compared and "Klub rozmów po angielsku" in compared
    assert "wersja 3" not in page and "(robocza)" not in compared  # submitted: no draft
    versions = coordinator.get(f"/jst/{jst.id}/plan/wersje").get_data(as_text=True)
    assert "z wersją roboczą" not in versions and "jego treść to wersja 2" in versions
    assert coordinator.get(f"/jst/{jst.id}/plan/porownaj?a=2&b=3").status_code == 404
    coordinator.post(f"/jst/{jst.id}/plan/status/zwroc", data={"message": "Proszę poprawić."})
    page = coordinator.get(f"/jst/{jst.id}/plan/czytaj").get_data(as_text=True)
    assert "Porównaj z poprzednią wersją (wersja 2 → wersja robocza 3)" in page
    assert "porownaj?a=2&amp;b=3" in page
    versions = coordinator.get(f"/jst/{jst.id}/plan/wersje").get_data(as_text=True)
    assert "z wersją roboczą" in versions and "wersja 3 (robocza)" in versions
    empty = Jst.get(Jst.name == "Gmina Próbna")  # never submitted
    page = coordinator.get(f"/jst/{empty.id}/plan/czytaj").get_data(as_text=True)
    assert "porownaj" not in page and "nie ma wcześniejszej wersji do porównania" in page


def test_reading_view_shows_every_field_and_takes_comments_on_rows(app):
    jst, users = _seeded(app)
    expert = _client(app, users["ekspert1@example.org"])
    base = f"/jst/{jst.id}/plan"
    expert.post(f"{base}/uwagi", data={"step": "wizja", "body": "Uwaga z widoku do czytania."})
    page = expert.get(f"{base}/czytaj").get_data(as_text=True)
    assert (
        "Uwaga z widoku do czytania." in page
        and '<label class="form-label small" for="reply-' in page
    )
    profile = _section(page, "jst")
    assert "Jan Wzorcowy Wójt Gminy" in profile and "Zofia Rachunkowa Skarbnik Gminy" in profile
    partners = _section(page, "koalicja")
    for value in (
        "Ewa Książkowa",
        "Zajęcia popularnonaukowe dla uczniów.",
        "biblioteka@example.org",
    ):
        assert value in partners
    schools = _section(page, "szkoly")
    assert "ul. Szkolna 1, 00-950 Przykładowo" in schools and "Anna Dyrektorska" in schools
    actions = _section(page, "dzialania")
    for value in (
        "Referat Oświaty",  # responsible
        "Biblioteka Publiczna w Przykładowie",  # partner
        "budżet gminy",  # funding
        "Nauczyciele prowadzą zajęcia doświadczalne raz w tygodniu.",  # expected result
        "sprawozdania dyrektorów",  # source of verification
    ):
        assert value in actions
    assert "Ankieta wśród dyrektorów." in _section(page, "monitoring")
    plan = Plan.get(Plan.jst == jst)
    school = plans.rows(plan, "szkoly")[0]
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>((?:(?!</form>).)*value="'
        + school.uid
        + r'"(?:(?!</form>).)*)</form>',
        schools,
        re.S,
    )
    assert "Nowa uwaga do pozycji „Szkoła Podstawowa nr 1 w Przykładowie”" in form.group(2)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    response = expert.post(
        form.group(1), data=fields | {"body": "Czy szkoła ma pracownię przyrodniczą?"}
    )
    assert response.status_code == 302 and "/czytaj#comment-" in response.headers["Location"]
    page = expert.get(f"{base}/czytaj").get_data(as_text=True)
    schools = _section(page, "szkoly")
    margin = schools.split("<aside")[1]
    assert "Czy szkoła ma pracownię przyrodniczą?" in margin
    assert "dotyczy: <strong>Szkoła Podstawowa nr 1 w Przykładowie</strong>" in margin
    assert "uwagi w marginesie: 1" in schools
    for kind, uid in (
        ("cele-strategiczne", plans.rows(plan, "cele-strategiczne")[0].uid),
        ("cele-operacyjne", plans.rows(plan, "cele-operacyjne")[0].uid),
        ("partnerzy", plans.rows(plan, "partnerzy")[0].uid),
        ("dzialania", plans.rows(plan, "dzialania")[0].uid),
    ):
        assert (
            f'name="row_kind" value="{kind}"><input type="hidden" name="row_uid" value="{uid}"'
            in page
        )


def _signed_in(app, user):
    """A client signed in with CSRF protection on."""
    client = browser_client(app)
    token = csrf_token(client, "/login")
    client.post(
        "/login", data={"email": user.email, "password": "demo-haslo-123", "csrf_token": token}
    )
    return client


def test_an_expired_form_keeps_the_message_of_a_return(csrf_app):
    jst, users = _seeded(csrf_app)
    plan = plans.transition(plans.get_plan(jst), "submit", users["uczestnik1@example.org"])
    expert = _signed_in(csrf_app, users["ekspert1@example.org"])
    response = expert.post(
        f"/jst/{jst.id}/plan/status/zwroc",
        data={"message": "Długo pisane uzasadnienie zwrotu.", "csrf_token": "wygasly"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Decyzji nie zapisano" in page
    assert "Długo pisane uzasadnienie zwrotu.</textarea>" in page and "Zwróć do poprawy" in page
    assert Plan.get_by_id(plan.id).status == "submitted"


def test_an_expired_session_keeps_the_reason_for_reopening(csrf_app):
    jst, users = _seeded(csrf_app)
    plan = plans.transition(plans.get_plan(jst), "submit", users["uczestnik1@example.org"])
    coordinator = users["koordynator@example.org"]
    plans.transition(plan, "accept", coordinator)
    client = browser_client(csrf_app)  # its session has expired
    response = client.post(
        f"/jst/{jst.id}/plan/status/otworz", data={"message": "Powód pisany przed wylogowaniem."}
    )
    login_page = response.headers["Location"]
    assert response.status_code == 302 and "/login" in login_page
    signed_in = client.post(
        login_page,
        data={
            "email": coordinator.email,
            "password": "demo-haslo-123",
            "csrf_token": csrf_token(client, login_page),
        },
    )
    summary = f"/jst/{jst.id}/plan/status/otworz"  # the decision's confirmation page
    assert signed_in.headers["Location"].endswith(summary)  # back where the form was
    page = client.get(summary).get_data(as_text=True)
    assert "Przywrócono zmiany" in page and "Powód pisany przed wylogowaniem.</textarea>" in page
    assert "Otwórz ponownie (do poprawy)" in page


def test_a_comment_on_a_row_deleted_meanwhile_is_kept_on_its_step(app, world):
    expert, team = app.test_client(), app.test_client()
    login(expert, world.expert)
    login(team, world.participant)
    _add_row(team, world.jst, "koalicja", "partnerzy", {"institution": "Dom Kultury"})
    (partner,) = plans.rows(plans.get_plan(world.jst), "partnerzy")
    row_page = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/{partner.uid}"
    assert expert.get(row_page).status_code == 200  # the expert opens the row, starts typing
    plans.delete_row(plans.get_plan(world.jst), "partnerzy", partner.uid, world.participant)
    typed = {
        "step": "koalicja",
        "row_kind": "partnerzy",
        "row_uid": partner.uid,
        "next": row_page,
        "body": "Dopiszcie wkład partnera.",
    }
    response = expert.post(f"/jst/{world.jst.id}/plan/uwagi", data=typed, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path.endswith("/plan/koalicja")
    assert "Ktoś usunął tę pozycję w międzyczasie — uwagę dodano do kroku „Koalicja”." in page
    assert "Dopiszcie wkład partnera." in page
    assert "dotyczy: <strong>partner koalicji (pozycja usunięta)</strong>" in page
    (comment,) = Comment.select()
    assert (comment.step, comment.row_kind, comment.row_uid) == ("koalicja", "", "")
    assert comment.body == "Dopiszcie wkład partnera."
    assert comment.row_label == "partner koalicji (pozycja usunięta)"
