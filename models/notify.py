"""Models of reaching people (issue 20): reminders sent once, personal calendar feeds,
messages between a team and its mentor expert, announcements.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 100–109 belong to this area.
"""

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .base import BaseModel, db, utcnow
from .jst import Jst


class ReminderSent(BaseModel):
    """A reminder went out: (kind, object, user) is unique, and the row is inserted in the same
    transaction as the notification and the e-mail — an insert that conflicts means another
    worker (or an earlier run) already sent it. `run` marks the rows one run inserted."""

    versioned = False

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

    versioned = False

    user = ForeignKeyField(User, unique=True, on_delete="CASCADE", backref="+")
    generation = IntegerField(default=1)
    token_hash = CharField(max_length=64, unique=True)
    renewed_at = DateTimeField(default=utcnow)


class MentorMessage(BaseModel):
    """A message in the thread between a JST's team and its mentor expert (issue 20.5)."""

    versioned = False

    jst = ForeignKeyField(Jst, on_delete="CASCADE", backref="+")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    body = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("jst", "id"), False),)


class MentorRead(BaseModel):
    """How far a user has read a JST's thread (the last message id seen)."""

    versioned = False

    jst = ForeignKeyField(Jst, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    last_id = IntegerField(default=0)

    class Meta:
        indexes = ((("jst", "user"), True),)


class Announcement(BaseModel):
    """A coordinator's message to many (issue 20.1); `audience` says to whom ("participants",
    "experts", "group", "kind", "jst") with `audience_value` (the group, kind or JST id)."""

    versioned = False

    author = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    title = CharField(max_length=200)
    body = TextField()
    audience = CharField(max_length=20)
    audience_value = CharField(max_length=40, default="")
    audience_label = CharField(max_length=300, default="")
    attachment_name = CharField(max_length=200, default="")
    attachment_type = CharField(max_length=100, default="")
    attachment_data = BlobField(null=True)
    created_at = DateTimeField(default=utcnow)
    fanned_out_at = DateTimeField(null=True)


class AnnouncementRecipient(BaseModel):
    versioned = False
    announcement = ForeignKeyField(Announcement, on_delete="CASCADE", backref="recipients")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("announcement", "user"), True),
            (("user", "read_at"), False),
        )


class NotifyPreference(BaseModel):
    """How a user wants notifications by e-mail: "immediate" (the default, no row needed),
    "digest" (one e-mail a day) or "app" (none: in the application only)."""

    versioned = False

    user = ForeignKeyField(User, unique=True, on_delete="CASCADE", backref="+")
    mode = CharField(max_length=10, default="immediate")
    updated_at = DateTimeField(default=utcnow)


class MailBounce(BaseModel):
    """An address the mail server refused for good (a 5xx for the recipient): shown on the
    user's page for the coordinator; its messages are not retried."""

    versioned = False

    email = CharField(max_length=254, unique=True)
    reason = CharField(max_length=500, default="")
    at = DateTimeField(default=utcnow)


MODELS = [
    NotifyPreference,
    MailBounce,
    ReminderSent,
    CalendarFeed,
    MentorMessage,
    MentorRead,
    Announcement,
    AnnouncementRecipient,
]


def m0100_reminders():
    db.create_tables([ReminderSent], safe=True)


def m0101_calendar_feeds():
    db.create_tables([CalendarFeed], safe=True)


def m0102_mentor_messages():
    db.create_tables([MentorMessage, MentorRead], safe=True)


def m0103_announcements():
    db.create_tables([Announcement, AnnouncementRecipient], safe=True)


def m0104_notify_preferences():
    db.create_tables([NotifyPreference], safe=True)


def m0105_mail_bounces():
    db.create_tables([MailBounce], safe=True)


MIGRATIONS = [
    (100, m0100_reminders),
    (101, m0101_calendar_feeds),
    (102, m0102_mentor_messages),
    (103, m0103_announcements),
    (104, m0104_notify_preferences),
    (105, m0105_mail_bounces),
]
