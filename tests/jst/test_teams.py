"""Teams (2–4 members, leaving and replacing with history), experts, home pages per role."""

import threading
import time

from models import AuditLog, ExpertAssignment, TeamMembership, User, db
from services import audit
from tests.conftest import PG_URL, add_member, assign_expert, login, make_jst, make_user


def _coordinator(client):
    login(client, make_user("coordinator"))


def _member(email, name="Nowa Osoba Testowa"):
    return {"email": email, "full_name": name, "function": "referent ds. oświaty", "phone": ""}


def test_adding_a_member_creates_the_account_and_a_set_password_link(client, world):
    _coordinator(client)
    response = client.post(f"/jst/{world.jst.id}/zespol/dodaj", data=_member("nowa@example.org"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Utworzono konto nowa@example.org" in page and "/haslo/ustaw/" in page
    user = User.get(User.email == "nowa@example.org")
    assert user.role == "participant" and not user.password_hash
    assert TeamMembership.get(TeamMembership.user == user).jst_id == world.jst.id
    assert AuditLog.select().where(AuditLog.action == "member_added").exists()


def test_a_fifth_member_is_refused(client, world):
    add_member(world.jst)
    add_member(world.jst)
    _coordinator(client)
    response = client.post(f"/jst/{world.jst.id}/zespol/dodaj", data=_member("piaty@example.org"))
    assert response.status_code == 422
    assert "to maksimum" in response.get_data(as_text=True)
    assert not User.select().where(User.email == "piaty@example.org").exists()


def test_a_participant_belongs_to_one_jst(client, world):
    _coordinator(client)
    response = client.post(
        f"/jst/{world.jst.id}/zespol/dodaj", data=_member(world.other_participant.email)
    )
    assert response.status_code == 422
    assert "należy już do zespołu JST „Gmina Obca”" in response.get_data(as_text=True)


def test_leaving_keeps_history_and_shows_an_incomplete_team(client, world):
    _coordinator(client)
    membership = TeamMembership.get(TeamMembership.user == world.teammate)
    response = client.post(
        f"/jst/{world.jst.id}/zespol/{membership.id}/odejscie",
        data={"left_at": "2017-05-10", "left_reason": "zmiana pracy"},
    )
    assert response.status_code == 302
    page = client.get(f"/jst/{world.jst.id}").get_data(as_text=True)
    assert "niekompletny zespół" in page
    assert "Dawni członkowie zespołu" in page and "10 maja 2017" in page and "zmiana pracy" in page
    assert TeamMembership.select().where(TeamMembership.jst == world.jst).count() == 2


def test_replacing_a_member_is_one_change(client, world):
    add_member(world.jst)
    add_member(world.jst)  # a full team of four: replacing must still work
    _coordinator(client)
    membership = TeamMembership.get(TeamMembership.user == world.teammate)
    data = {"left_at": "2017-05-10", "left_reason": "urlop", **_member("zastepca@example.org")}
    response = client.post(f"/jst/{world.jst.id}/zespol/{membership.id}/zastap", data=data)
    assert response.status_code == 200
    assert "Utworzono konto zastepca@example.org" in response.get_data(as_text=True)
    assert TeamMembership.get_by_id(membership.id).left_reason == "urlop"
    # a refused newcomer leaves the departure unrecorded
    other = TeamMembership.get(TeamMembership.user == world.participant)
    data = {
        "left_at": "2017-05-10",
        "left_reason": "urlop",
        **_member(world.other_participant.email),
    }
    response = client.post(f"/jst/{world.jst.id}/zespol/{other.id}/zastap", data=data)
    assert response.status_code == 422
    assert TeamMembership.get_by_id(other.id).left_at is None


def test_another_jsts_membership_is_not_found(client, world):
    _coordinator(client)
    foreign = TeamMembership.get(TeamMembership.user == world.other_participant)
    assert client.get(f"/jst/{world.jst.id}/zespol/{foreign.id}/odejscie").status_code == 404


def test_reassigning_the_expert_keeps_history(client, world):
    newcomer = make_user("expert", name="Ekspertka Nowa")
    _coordinator(client)
    response = client.post(f"/jst/{world.jst.id}/ekspert", data={"expert": newcomer.id})
    assert response.status_code == 302
    rows = list(ExpertAssignment.select().where(ExpertAssignment.jst == world.jst))
    assert len(rows) == 2
    assert [r.expert_id for r in rows if r.ended_at is None] == [newcomer.id]
    page = client.get(f"/jst/{world.jst.id}/ekspert").get_data(as_text=True)
    assert "Ekspertka Nowa" in page and "(obecnie)" in page
    # the former expert no longer sees the JST; the new one does
    client.post("/logout")
    login(client, world.expert)
    assert client.get(f"/jst/{world.jst.id}").status_code == 404
    client.post("/logout")
    login(client, newcomer)
    assert client.get(f"/jst/{world.jst.id}").status_code == 200
    response = client.post(f"/jst/{world.jst.id}/ekspert", data={"expert": 999999})
    assert response.status_code == 403


def test_not_an_expert_is_refused(client, world):
    _coordinator(client)
    response = client.post(f"/jst/{world.jst.id}/ekspert", data={"expert": world.participant.id})
    assert response.status_code == 422
    assert "Proszę wybrać eksperta z listy" in response.get_data(as_text=True)


def test_an_expert_may_look_after_many_jsts(client, world):
    second = make_jst("Gmina Druga Ekspercka")
    assign_expert(second, world.expert)
    login(client, world.expert)
    page = client.get("/").get_data(as_text=True)
    assert "Gmina Własna" in page and "Gmina Druga Ekspercka" in page and "Gmina Obca" not in page


def test_participant_home_shows_their_jst_team_and_expert(client, world):
    login(client, world.participant)
    page = client.get("/").get_data(as_text=True)
    assert "Moja JST" in page and "Gmina Własna" in page and "Gmina Obca" not in page
    assert world.teammate.full_name in page and world.expert.full_name in page


def test_coordinator_home_is_the_progress_board(client, world):
    _coordinator(client)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Przegląd postępów JST" in page and "Gmina Własna" in page and "Gmina Obca" in page


def test_experts_do_not_see_team_contacts(client, world):
    login(client, world.expert)
    page = client.get(f"/jst/{world.jst.id}").get_data(as_text=True)
    assert world.teammate.full_name in page and world.teammate.email not in page
    client.post("/logout")
    login(client, world.participant)
    assert world.teammate.email in client.get(f"/jst/{world.jst.id}").get_data(as_text=True)


def test_two_simultaneous_adds_to_a_team_of_three_make_four(app, world, monkeypatch):
    """The second add waits for the first (the JST row is locked) and then sees a full team."""
    add_member(world.jst)  # three members: room for one more
    coordinator = make_user("coordinator")
    first, second = app.test_client(), app.test_client()
    login(first, coordinator)
    login(second, coordinator)
    inside, proceed, responses = threading.Event(), threading.Event(), {}
    record = audit.record

    def paused_record(action, **kwargs):  # the first add stops mid-transaction
        if threading.current_thread().name == "first" and action == "user_created":
            inside.set()
            proceed.wait(10)
        return record(action, **kwargs)

    monkeypatch.setattr(audit, "record", paused_record)

    def add(name, client, email):
        responses[name] = client.post(f"/jst/{world.jst.id}/zespol/dodaj", data=_member(email))

    threads = [
        threading.Thread(target=add, name=name, args=(name, client, f"{name}@example.org"))
        for name, client in (("first", first), ("second", second))
    ]
    threads[0].start()
    assert inside.wait(10)
    threads[1].start()
    deadline = time.monotonic() + 10
    while threads[1].is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        proceed.wait(0.01)
    proceed.set()
    for thread in threads:
        thread.join(10)
    assert responses["first"].status_code == 200
    assert responses["second"].status_code == 422
    assert "to maksimum" in responses["second"].get_data(as_text=True)
    members = TeamMembership.select().where(
        (TeamMembership.jst == world.jst) & TeamMembership.left_at.is_null()
    )
    assert members.count() == 4


def _waiting_on_a_lock():
    if not PG_URL:  # SQLite: the second add waits on BEGIN IMMEDIATE (busy_timeout) meanwhile
        time.sleep(0.3)
        return True
    cursor = db.execute_sql(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    return cursor.fetchone()[0] > 0
