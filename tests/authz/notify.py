from datetime import date

from models.programme import Module
from services import ical

from . import POST_OK, Case, global_, jst_scoped, public

SECRET = "test-secret-key"  # tests/conftest.py's app_config
CALENDAR_ROLES = {"participant", "expert", "coordinator"}


def setup(world):
    module = Module.create(number=9, start_date=date(2017, 9, 5), end_date=date(2017, 9, 6))
    return {"feed_token": ical.renew(world.participant, SECRET), "ics_module": module.id}


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
