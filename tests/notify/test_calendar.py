"""The personal calendar feed and the module .ics (issue 20.4), parsed back with icalendar."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from models import User
from models.notify import CalendarFeed
from models.programme import Module, ModuleSession, Task
from models.surveys import Question, Survey
from tests.conftest import login

WARSAW = ZoneInfo("Europe/Warsaw")
FEED = re.compile(r'value="https://plan\.example\.org(/kalendarz/[^"]+\.ics)"')


@pytest.fixture(autouse=True)
def _base_url(app):
    app.config["BASE_URL"] = "https://plan.example.org"  # feed addresses are absolute


def _programme():
    summer = Module.create(
        number=1, start_date=date(2027, 6, 14), end_date=date(2027, 6, 15), venue="Hotel Nad Wisłą"
    )
    ModuleSession.create(module=summer, day=1, start="10:30", end="12:00", title="Otwarcie")
    ModuleSession.create(module=summer, day=2, start="09:00", end="14:00", title="Diagnoza")
    winter = Module.create(
        number=2, start_date=date(2027, 12, 6), end_date=date(2027, 12, 7), venue="Sala ORE"
    )
    Task.create(module=summer, title="Analiza danych", due_date=date(2027, 9, 1))
    survey = Survey.create(
        title="Ankieta modułu 1",
        module=summer,
        opens_on=date(2027, 6, 15),
        closes_on=date(2027, 6, 22),
    )
    Question.create(survey=survey, position=1, kind="text", text="Uwagi?")
    return summer, winter


def _feed_path(client):
    page = client.get("/konto").get_data(as_text=True)
    match = FEED.search(page)
    return match.group(1) if match else None


def _events(data):
    calendar = Calendar.from_ical(data)
    return calendar, {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_participants_feed_has_sessions_in_warsaw_time_deadlines_and_surveys(app, world, client):
    _summer, _winter = _programme()
    login(client, world.participant)
    assert _feed_path(client) is None  # not created yet
    assert client.post("/konto/kalendarz").status_code == 302
    path = _feed_path(client)
    response = app.test_client().get(path)  # a calendar program: no login
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar, events = _events(response.data)
    assert sorted(events) == [
        "Moduł 1: Diagnoza",
        "Moduł 1: Otwarcie",
        "Moduł 2",
        "Ostatni dzień ankiety: Ankieta modułu 1",
        "Termin zadania wdrożeniowego: Analiza danych",
    ]
    opening = events["Moduł 1: Otwarcie"]
    start, end = opening.decoded("dtstart"), opening.decoded("dtend")
    assert start == datetime(2027, 6, 14, 10, 30, tzinfo=WARSAW)
    assert start.utcoffset().total_seconds() == 7200  # summer time
    assert end == datetime(2027, 6, 14, 12, 0, tzinfo=WARSAW)
    assert str(opening["location"]) == "Hotel Nad Wisłą"
    assert events["Moduł 1: Diagnoza"].decoded("dtstart") == datetime(
        2027, 6, 15, 9, 0, tzinfo=WARSAW
    )
    whole = events["Moduł 2"]  # no programme yet: the module's days
    assert (whole.decoded("dtstart"), whole.decoded("dtend")) == (
        date(2027, 12, 6),
        date(2027, 12, 8),
    )
    task = events["Termin zadania wdrożeniowego: Analiza danych"]
    assert task.decoded("dtstart") == date(2027, 9, 1)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]


def test_the_token_is_stored_hashed_and_a_renewed_or_wrong_one_is_404(app, world, client):
    login(client, world.expert)
    client.post("/konto/kalendarz")
    old = _feed_path(client)
    token = old.removeprefix("/kalendarz/").removesuffix(".ics")
    row = CalendarFeed.get(CalendarFeed.user == world.expert.id)
    assert row.token_hash != token and len(row.token_hash) == 64
    anonymous = app.test_client()
    _calendar, events = _events(anonymous.get(old).data)
    assert not [s for s in events if s.startswith("Ostatni dzień ankiety")]  # experts: none
    response = client.post("/konto/kalendarz", follow_redirects=True)
    assert "poprzedni przestał działać" in response.get_data(as_text=True)
    new = _feed_path(client)
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert anonymous.get("/kalendarz/zly-token.ics").status_code == 404
    User.update(active=False).where(User.id == world.expert.id).execute()
    assert anonymous.get(new).status_code == 404


def test_module_page_links_a_one_off_ics(app, world, client):
    summer, _winter = _programme()
    login(client, world.participant)
    page = client.get("/moduly").get_data(as_text=True)
    assert f'href="/moduly/{summer.id}.ics"' in page and "Moje konto" in page
    response = client.get(f"/moduly/{summer.id}.ics")
    assert response.status_code == 200
    assert 'filename="modul-1.ics"' in response.headers["Content-Disposition"]
    _calendar, events = _events(response.data)
    assert sorted(events) == ["Moduł 1: Diagnoza", "Moduł 1: Otwarcie"]
    assert client.get("/moduly/999.ics").status_code == 404
