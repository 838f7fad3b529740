"""Saving a plan from two processes at once, and a process killed inside its save transaction:
no lost update, no "database is locked" and no error page shown to a user, the plan as it was.
Runs on the test run's database: SQLite, or PostgreSQL with PLANJST_TEST_DATABASE_URL."""

import http.client
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from models import Jst
from models.plans import Plan, PlanStep, PlanText, Risk
from services import plans
from tests.conftest import PASSWORD, add_member, login, make_jst
from tests.pages import form_with
from tests.servers import login as login_over_http
from tests.servers import request, server_env, servers

THREADS = 4  # per process
CONFLICT_TEXT = "Ktoś zmienił tę sekcję w międzyczasie"
CONFLICT_ROW = "Ktoś zmienił tę pozycję w międzyczasie"
DIAGNOSIS_FIELDS = [field for field, _label in plans.TEXT_FIELDS["diagnoza"]]


class Session:
    """One signed-in browser tab, pinned to one of the processes."""

    def __init__(self, port, user):
        self.port = port
        status, _page, self.cookie = login_over_http(port, user.email, PASSWORD)
        assert status == 302

    def get(self, path):
        status, page, _c = request(self.port, "GET", path, self.cookie)
        return status, page

    def post(self, path, fields):
        status, page, _c = request(self.port, "POST", path, self.cookie, urlencode(fields))
        return status, page


@pytest.fixture
def team(app):
    jst = make_jst()
    members = [add_member(jst), add_member(jst)]
    return jst, members, plans.get_plan(jst)


@pytest.fixture
def ports(app):
    with servers(server_env(app), count=2, threads=THREADS) as started:
        yield [port for _proc, port in started]


def _sessions(ports, members, count):
    """`count` sessions spread over both processes and both team members."""
    return [Session(ports[i % 2], members[i % len(members)]) for i in range(count)]


def _at_once(sessions, open_page, submit, allowed=(302, 409)):
    """Each session opens its form, then all submit together (every form is stale but the
    first). open_page(i, session) -> state; submit(i, session, state) -> (status, page)."""
    barrier = threading.Barrier(len(sessions))

    def run(i):
        state = open_page(i, sessions[i])
        barrier.wait(timeout=30)
        return submit(i, sessions[i], state)

    with ThreadPoolExecutor(len(sessions)) as pool:
        results = list(pool.map(run, range(len(sessions))))
    for status, page in results:
        assert status in allowed, page[-1500:]
        assert "database is locked" not in page
    return results


def _texts(plan):
    return {field: (t.value, t.version) for field, t in plans.texts(plan).items()}


def test_different_fields_saved_at_once_all_land(ports, team):
    jst, members, plan = team
    path = f"/jst/{jst.id}/plan/diagnoza"
    sessions = _sessions(ports, members, len(DIAGNOSIS_FIELDS))
    for round_ in (1, 2):  # the fields created, then updated

        def open_page(_i, session):
            status, page = session.get(path)
            assert status == 200
            return form_with(page, "v_needs_ict").fields

        def submit(i, session, fields, round_=round_):
            return session.post(path, {**fields, DIAGNOSIS_FIELDS[i]: f"Runda {round_}, pole {i}"})

        results = _at_once(sessions, open_page, submit)
        assert [status for status, _page in results] == [302] * len(sessions)
        assert _texts(plan) == {
            field: (f"Runda {round_}, pole {i}", round_) for i, field in enumerate(DIAGNOSIS_FIELDS)
        }


def _vision(jst, plan):
    return _texts(plan).get("vision", ("", 0))


def _contact(jst, plan):
    fresh = Jst.get_by_id(jst.id)
    return fresh.contact_name, fresh.version


@pytest.mark.parametrize(
    "step, field, saved",
    [("wizja", "vision", _vision), ("jst", "contact_name", _contact)],
    ids=["text field", "JST profile"],
)
def test_same_field_saved_at_once_one_wins_the_others_see_both_versions(
    ports, team, step, field, saved
):
    jst, members, plan = team
    path = f"/jst/{jst.id}/plan/{step}"
    sessions = _sessions(ports, members, 2 * THREADS)
    _value, start = saved(jst, plan)
    for round_ in (1, 2):

        def open_page(_i, session):
            return form_with(session.get(path)[1], field).fields

        def submit(i, session, fields, round_=round_):
            return session.post(path, {**fields, field: f"Wersja {round_} osoby {i}"})

        results = _at_once(sessions, open_page, submit)
        winners = [i for i, (status, _page) in enumerate(results) if status == 302]
        assert len(winners) == 1
        winner = f"Wersja {round_} osoby {winners[0]}"
        assert saved(jst, plan) == (winner, start + round_)
        for i, (status, page) in enumerate(results):
            if status == 409:
                assert CONFLICT_TEXT in page
                assert f"Wersja {round_} osoby {i}" in page and winner in page


def _risks(plan):
    return {r.uid: (r.risk, r.version) for r in plans.rows(plan, "ryzyka")}


def test_rows_created_and_edited_at_once(ports, team):
    jst, members, plan = team
    new = f"/jst/{jst.id}/plan/monitoring/ryzyka/nowy"
    sessions = _sessions(ports, members, 2 * THREADS)

    def open_new(_i, session):
        return form_with(session.get(new)[1], "uid").fields

    def create(i, session, fields):
        return session.post(new, {**fields, "risk": f"Ryzyko {i}", "mitigation": "Plan B"})

    results = _at_once(sessions, open_new, create)
    assert [status for status, _page in results] == [302] * len(sessions)
    created = plans.rows(plan, "ryzyka")
    assert sorted(r.risk for r in created) == sorted(f"Ryzyko {i}" for i in range(len(sessions)))
    assert sorted(r.position for r in created) == list(range(1, len(sessions) + 1))

    def edit_path(i):
        return f"/jst/{jst.id}/plan/monitoring/ryzyka/{created[i].uid}"

    def open_row(i, session):
        return form_with(session.get(edit_path(i))[1], "version").fields

    def edit(i, session, fields):
        return session.post(edit_path(i), {**fields, "risk": f"Zmienione ryzyko {i}"})

    results = _at_once(sessions, open_row, edit)  # each a different row
    assert [status for status, _page in results] == [302] * len(sessions)
    assert _risks(plan) == {r.uid: (f"Zmienione ryzyko {i}", 2) for i, r in enumerate(created)}

    def open_first(_i, session):
        return form_with(session.get(edit_path(0))[1], "version").fields

    def edit_first(i, session, fields):
        return session.post(edit_path(0), {**fields, "risk": f"Ryzyko osoby {i}"})

    results = _at_once(sessions, open_first, edit_first)  # all the same row
    winners = [i for i, (status, _page) in enumerate(results) if status == 302]
    assert len(winners) == 1
    first = Risk.get(Risk.uid == created[0].uid)
    assert (first.risk, first.version) == (f"Ryzyko osoby {winners[0]}", 3)
    for i, (status, page) in enumerate(results):
        if status == 409:
            assert CONFLICT_ROW in page and f"Ryzyko osoby {i}" in page and first.risk in page


def test_plan_opened_for_the_first_time_at_once(ports, app):
    for _ in range(3):
        jst = make_jst()
        members = [add_member(jst), add_member(jst)]
        sessions = _sessions(ports, members, 2 * THREADS)
        path = f"/jst/{jst.id}/plan/diagnoza"
        _at_once(sessions, lambda _i, _s: None, lambda _i, s, _n, p=path: s.get(p), allowed=(200,))
        assert Plan.select().where(Plan.jst == jst).count() == 1


# ---------- a process killed inside its save transaction ----------


def _snapshot(plan):
    """Everything a save may touch: the content, every unit's version, the step stamps."""
    fresh = Plan.get_by_id(plan.id)
    return {
        "plan": (fresh.status, fresh.updated_at),
        "content": plans.plan_content(fresh),
        "texts": sorted(
            (t.field, t.value, t.version) for t in PlanText.select().where(PlanText.plan == plan)
        ),
        "rows": {
            kind: [(r.uid, r.version, r.position) for r in plans.rows(plan, kind, links=False)]
            for kind in plans.ROW_KINDS
        },
        "steps": sorted(
            (s.step, s.updated_at, s.updated_by_id)
            for s in PlanStep.select().where(PlanStep.plan == plan)
        ),
    }


def _held(marker, running):
    """The id of the process holding a save (it writes `marker`), once it does."""
    deadline = time.monotonic() + 20
    while not marker.exists() or not marker.read_text():
        assert running() and time.monotonic() < deadline, "the save was never held"
        time.sleep(0.05)
    return int(marker.read_text())


@pytest.mark.parametrize("unit", ["texts", "row"])
def test_killed_inside_the_save_transaction_leaves_the_plan_as_it_was(app, team, tmp_path, unit):
    jst, members, plan = team
    user = members[0]
    plans.save_texts(plan, "diagnoza", {"needs_ict": ("Przed", 0), "attitudes": ("A", 0)}, user)
    risk = plans.save_row(
        plan, "ryzyka", plans.new_uid(), {"risk": "Ryzyko", "mitigation": "Plan B"}, None, user
    )
    if unit == "texts":  # one field updated, one created
        path = f"/jst/{jst.id}/plan/diagnoza"
        changes = {"needs_ict": "Po", "swot_threats": "Nowe"}
    else:
        path = f"/jst/{jst.id}/plan/monitoring/ryzyka/{risk.uid}"
        changes = {"risk": "Zmienione"}
    before = _snapshot(plan)
    marker = tmp_path / "held"
    outcome = []
    with servers(server_env(app, TEST_HOLD_SAVE_FILE=marker), count=1) as [(proc, port)]:
        session = Session(port, user)
        fields = {**form_with(session.get(path)[1], next(iter(changes))).fields, **changes}

        def save():
            try:
                outcome.append(session.post(path, fields)[0])
            except (OSError, http.client.HTTPException) as exc:
                outcome.append(type(exc).__name__)

        thread = threading.Thread(target=save)
        thread.start()
        os.kill(_held(marker, lambda: proc.poll() is None and not outcome), signal.SIGKILL)
        thread.join(timeout=30)
    assert outcome and not isinstance(outcome[0], int), outcome  # the connection just dropped
    assert _snapshot(plan) == before

    client = app.test_client()  # the database works on: the same save, now without the hook
    login(client, user)
    response = client.post(path, data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    after = _snapshot(plan)["content"]
    if unit == "texts":
        assert (after["texts"]["needs_ict"], after["texts"]["swot_threats"]) == ("Po", "Nowe")
    else:
        assert after["risks"][0]["risk"] == "Zmienione"
