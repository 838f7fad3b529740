"""Calendars (issue 20): a personal iCalendar feed at a secret address, and a one-off .ics per
module — built with the `icalendar` library, times in Europe/Warsaw (with its VTIMEZONE).

The feed's token is an HMAC of the app's secret key, the user and the feed's generation: the
account page can show the address again, while the database holds only its SHA-256 (a leaked
table does not open anyone's calendar). Renewing raises the generation: the old address is 404.
A new secret key retires every address: a token is only accepted when the current key makes it,
and the account page offers to create the address again."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime, time, timedelta

from icalendar import Calendar, Event
from peewee import fn

from lib.formatting import TZ
from models import User, utcnow, write_tx
from models.notify import CalendarFeed
from models.programme import Module, ModuleSession, Task
from models.surveys import Question, Survey

from . import surveys

PRODID = "-//ORE//Plan JST//PL"


def token_of(secret, user_id, generation):
    """The feed token of that generation."""
    digest = hmac.new(
        secret.encode(), f"calendar-feed:{user_id}:{generation}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def current_token(secret, user_id, generation, token_hash):
    """The feed token the account page shows, or None: no feed yet, or one made with another
    secret key (the address it had no longer works)."""
    if generation is None:
        return None
    token = token_of(secret, user_id, generation)
    return token if hmac.compare_digest(_hash(token), token_hash) else None


def has_feed(user):
    """Whether the user's feed was created (the renew button says what it did)."""
    return CalendarFeed.select().where(CalendarFeed.user == user.id).exists()


def renew(user, secret):
    """Create the feed or give it a new address (the old one stops working); returns the token."""
    with write_tx():
        row = CalendarFeed.get_or_none(CalendarFeed.user == user.id)
        generation = row.generation + 1 if row else 1
        token = token_of(secret, user.id, generation)
        values = {"generation": generation, "token_hash": _hash(token), "renewed_at": utcnow()}
        if row:
            CalendarFeed.update(values).where(CalendarFeed.id == row.id).execute()
        else:
            CalendarFeed.create(user=user.id, **values)
    return token


def user_for(token, secret):
    """The active user whose feed `token` opens, or None (wrong, revoked, deactivated, or made
    with another secret key)."""
    if not token or len(token) > 100:
        return None
    row = (
        CalendarFeed.select(CalendarFeed, User)
        .join(User)
        .where((CalendarFeed.token_hash == _hash(token)) & User.active)
        .first()
    )
    if row is None or not hmac.compare_digest(token, token_of(secret, row.user.id, row.generation)):
        return None
    return row.user


# ---------- events ----------


def _at(day, hhmm):
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), TZ)


def _event(uid, summary, start, end, location="", description=""):
    event = Event()
    event.add("uid", f"{uid}@planjst")
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    return event


def _module_events(modules):
    sessions = {}
    query = ModuleSession.select().where(ModuleSession.module.in_([m.id for m in modules]))
    for session in query.order_by(ModuleSession.day, ModuleSession.start):
        sessions.setdefault(session.module_id, []).append(session)
    for module in modules:
        title = f"Moduł {module.number}"
        if module.id not in sessions:  # no programme yet: the whole days
            yield _event(
                f"module-{module.id}",
                title,
                module.start_date,
                module.end_date + timedelta(days=1),
                module.venue,
                module.hours,
            )
        for session in sessions.get(module.id, []):
            day = module.start_date + timedelta(days=session.day - 1)
            yield _event(
                f"module-{module.id}-session-{session.id}",
                f"{title}: {session.title}",
                _at(day, session.start),
                _at(day, session.end),
                module.venue,
            )


def _calendar(name, events):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Warsaw")
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed(user):
    """The user's calendar: modules and their sessions, task deadlines, and — for participants
    who answer surveys — the surveys' closing days."""
    modules = list(Module.select().order_by(Module.start_date))
    events = list(_module_events(modules))
    tasks = Task.select().where(Task.due_date.is_null(False)).order_by(Task.due_date)
    for task in tasks:
        events.append(
            _event(
                f"task-{task.id}",
                f"Termin zadania wdrożeniowego: {task.title}",
                task.due_date,
                task.due_date + timedelta(days=1),
            )
        )
    if user.role == "participant" and surveys.may_answer(user):
        with_questions = fn.EXISTS(Question.select().where(Question.survey == Survey.id))
        asked = with_questions & surveys.attended(user.id)
        for survey in Survey.select().where(asked).order_by(Survey.closes_on):
            events.append(
                _event(
                    f"survey-{survey.id}",
                    f"Ostatni dzień ankiety: {survey.title}",
                    survey.closes_on,
                    survey.closes_on + timedelta(days=1),
                )
            )
    return _calendar("Plan JST", events)


def module_ics(module):
    return _calendar(f"Plan JST – moduł {module.number}", _module_events([module]))
