"""Models of reaching people (issue 20): reminders sent once, personal calendar feeds.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 100–109 belong to this area.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .accounts import User
from .base import BaseModel, db, utcnow


class ReminderSent(BaseModel):
    """A reminder went out: (kind, object, user) is unique, and the row is inserted in the same
    transaction as the notification and the e-mail — an insert that conflicts means another
    worker (or an earlier run) already sent it. `run` marks the rows one run inserted."""

    kind = CharField(max_length=20)
    object_id = IntegerField()  # the task, survey, JST, participant or plan event it is about
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    run = CharField(max_length=32, index=True)
    sent_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("kind", "object_id", "user"), True),)


class CalendarFeed(BaseModel):
    """A user's iCalendar feed. Its secret token is derived from the app's secret key, the user
    and `generation` (so the account page can show it again), and stored only hashed: the feed
    is found by the hash. Renewing raises the generation — the old address answers 404."""

    user = ForeignKeyField(User, unique=True, on_delete="CASCADE", backref="+")
    generation = IntegerField(default=1)
    token_hash = CharField(max_length=64, unique=True)
    renewed_at = DateTimeField(default=utcnow)


MODELS = [ReminderSent, CalendarFeed]


def m0100_reminders():
    db.create_tables([ReminderSent], safe=True)


def m0101_calendar_feeds():
    db.create_tables([CalendarFeed], safe=True)


MIGRATIONS = [(100, m0100_reminders), (101, m0101_calendar_feeds)]
