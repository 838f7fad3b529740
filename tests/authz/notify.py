from datetime import date

from models.programme import Module
from services import announcements, ical

from . import LOGIN_REDIRECT, POST_OK, ROLES, Case, global_, jst_scoped, public

SECRET = "test-secret-key"  # tests/conftest.py's app_config
CALENDAR_ROLES = {"participant", "expert", "coordinator"}


def setup(world):
    module = Module.create(number=9, start_date=date(2017, 9, 5), end_date=date(2017, 9, 6))
    return {
        "feed_token": ical.renew(world.participant, SECRET),
        "ics_module": module.id,
        "announcement": _announcement(world),
    }


CASES = [
    Case("calendar.feed", "/kalendarz/{feed_token}.ics", public()),
    Case("calendar.renew", "/konto/kalendarz", global_(CALENDAR_ROLES, ok={302}), "POST"),
    Case("calendar.module_ics", "/moduly/{ics_module}.ics", global_(CALENDAR_ROLES)),
]

MENTOR_READ = jst_scoped({"team", "expert", "coordinator"})
MENTOR_WRITE = jst_scoped({"team", "expert"}, ok=POST_OK)
CASES += [
    Case("mentor.thread", "/jst/{jst}/wiadomosci", MENTOR_READ),
    Case("mentor.post", "/jst/{jst}/wiadomosci", MENTOR_WRITE, "POST", {"body": "Pytanie"}),
]

COORDINATOR = global_({"coordinator"})


def _announcement(world):
    item = announcements.create(
        world.coordinator,
        "Zmiana sali",
        "Moduł 2 w sali B.",
        "jst",
        str(world.jst.id),
        ("a.pdf", "application/pdf", b"%PDF-1.4"),
    )
    announcements.fan_out(item.id, {})
    return item.id


# recipients (the own JST's team) may mark read and download; everyone else: 404
RECIPIENT = {role: frozenset({404}) for role in ROLES}
RECIPIENT["anon"] = LOGIN_REDIRECT
RECIPIENT["participant_own"] = frozenset({200, 302})
CASES += [
    Case("announcements.overview", "/ogloszenia", COORDINATOR),
    Case("announcements.new", "/ogloszenia/nowe", COORDINATOR),
    Case("announcements.new", "/ogloszenia/nowe", global_({"coordinator"}, ok=POST_OK), "POST"),
    Case("announcements.read", "/ogloszenia/{announcement}/przeczytane", RECIPIENT, "POST"),
    Case(
        "announcements.attachment",
        "/ogloszenia/{announcement}/zalacznik",
        {**RECIPIENT, "coordinator": frozenset({200})},
    ),
]

ANYONE = global_({"participant", "expert", "coordinator", "admin"})
CASES += [
    Case("preferences.edit", "/konto/powiadomienia", ANYONE),
    Case(
        "preferences.edit",
        "/konto/powiadomienia",
        global_({"participant", "expert", "coordinator", "admin"}, ok=POST_OK),
        "POST",
        {"mode": "digest"},
    ),
]
