"""Models of the expert review (issue 8): comments anchored to a step or a row, in-app
notifications, the expert visit; the expert's suggestions of new text (issue 30.2).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 50–59 and (suggestions) 120–129 belong to this area.
"""

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    Value,
)

from .accounts import User
from .base import BaseModel, db, utcnow
from .jst import Jst
from .plans import Plan


class Comment(BaseModel):
    """A comment on a whole step (row_uid "") or one row (its stable uid), or a reply (parent)."""

    plan = ForeignKeyField(Plan, backref="comments", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="replies", on_delete="CASCADE")
    step = CharField(max_length=20)
    row_kind = CharField(max_length=30, default="")
    row_uid = CharField(max_length=32, default="")
    row_label = CharField(max_length=200, default="")
    row_version = IntegerField(null=True)  # the row's version when commented: later edits show
    plan_version = IntegerField()  # the plan version it was written on (a draft: the next one)
    author = ForeignKeyField(User, on_delete="CASCADE")
    body = TextField()
    created_at = DateTimeField(default=utcnow)
    resolved_at = DateTimeField(null=True)
    resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")


class Notification(BaseModel):
    versioned = False
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=20)
    text = CharField(max_length=300)
    url = CharField(max_length=300)
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at"), False),)

    @classmethod
    def insert_for(cls, users, kind, text, url, now):
        """The same notification for every user `users` selects (a query of one column: the
        user's id) in one INSERT … SELECT. Call inside the write transaction."""
        cls.insert_from(
            users.select_extend(Value(kind), Value(text), Value(url), Value(now)),
            [cls.user, cls.kind, cls.text, cls.url, cls.created_at],
        ).execute()


class ExpertVisit(BaseModel):
    jst = ForeignKeyField(Jst, unique=True, on_delete="CASCADE")
    expert = ForeignKeyField(User, null=True, on_delete="SET NULL")
    visit_date = DateField()
    form = CharField(max_length=20)  # spotkanie | szkolenie | konsultacja
    attendees = TextField(default="")
    topics = TextField(default="")
    conclusions = TextField(default="")
    updated_at = DateTimeField(default=utcnow)


class Suggestion(BaseModel):
    """New text an expert proposes for one text field of the plan (row_kind "") or one field of
    a row (its stable uid), with the text it was made on: accepting it applies it only over that
    text (services/suggestions.py)."""

    plan = ForeignKeyField(Plan, backref="suggestions", on_delete="CASCADE")
    step = CharField(max_length=20)
    row_kind = CharField(max_length=30, default="")
    row_uid = CharField(max_length=32, default="")
    field = CharField(max_length=40)
    label = CharField(max_length=300)  # what it is about, as shown when it was made
    base_text = TextField(default="")
    proposed = TextField()
    reason = TextField()
    author = ForeignKeyField(User, on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    status = CharField(max_length=10, default="open")  # open | accepted | rejected
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    reply = TextField(default="")

    class Meta:
        indexes = ((("plan", "status"), False), (("author", "decided_at"), False))


MODELS = [Comment, Notification, ExpertVisit, Suggestion]


def m0050_review():
    db.create_tables([Comment, Notification, ExpertVisit], safe=True)


def m0120_suggestions():
    db.create_tables([Suggestion], safe=True)


MIGRATIONS = [(50, m0050_review), (120, m0120_suggestions)]
