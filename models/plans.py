"""Models of the plan wizard (issue 5): one plan per JST, its content in tables, its versions.

Every editable unit — a text field of a step (PlanText) or a row (goal, partner, school, action,
measurement, risk) — carries its own `version`, so two people editing different units of one
step never conflict, and the same unit edited twice is caught. Rows have a stable `uid` that
versions and comparisons follow.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 20–29 belong to this area.
"""

from peewee import (
    BigIntegerField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .accounts import User
from .base import BaseModel, db, utcnow
from .jst import Jst

STATUS_LABELS = {
    "draft": "Szkic",
    "submitted": "Przekazany do opiniowania",
    "returned": "Do poprawy",
    "accepted": "Zatwierdzony",
}


class Plan(BaseModel):
    jst = ForeignKeyField(Jst, unique=True, backref="plans", on_delete="CASCADE")
    status = CharField(max_length=20, default="draft", index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


class PlanStep(BaseModel):
    """Who last saved a step, and when."""

    versioned = False

    plan = ForeignKeyField(Plan, backref="steps", on_delete="CASCADE")
    step = CharField(max_length=20)
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("plan", "step"), True),)


class PlanText(BaseModel):
    """One text field of a step (the diagnosis, the vision, the evaluation schedule …)."""

    versioned = False

    plan = ForeignKeyField(Plan, backref="texts", on_delete="CASCADE")
    field = CharField(max_length=40)
    value = TextField(default="")
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("plan", "field"), True),)


class Row(BaseModel):
    plan = ForeignKeyField(Plan, on_delete="CASCADE")
    uid = CharField(max_length=32)
    position = IntegerField(default=0)
    version = IntegerField(default=1)


def _rows_meta():
    return ((("plan", "uid"), True), (("plan", "position"), False))


class StrategicGoal(Row):
    versioned = False
    title = TextField(default="")

    class Meta:
        indexes = _rows_meta()


class OperationalGoal(Row):
    versioned = False
    strategic_goal = ForeignKeyField(StrategicGoal, backref="operational", on_delete="CASCADE")
    title = TextField(default="")

    class Meta:
        indexes = _rows_meta()


class Partner(Row):
    versioned = False
    institution = CharField(max_length=200, default="")
    person = CharField(max_length=200, default="")
    role = CharField(max_length=200, default="")
    contribution = TextField(default="")
    contact = CharField(max_length=200, default="")

    class Meta:
        indexes = _rows_meta()


class School(Row):
    name = CharField(max_length=200, default="")
    kind = CharField(max_length=40, default="")
    rspo = CharField(max_length=10, default="")
    address = CharField(max_length=200, default="")
    headteacher = CharField(max_length=200, default="")

    class Meta:
        indexes = _rows_meta()


class Action(Row):
    versioned = False
    title = CharField(max_length=200, default="")
    goal = ForeignKeyField(OperationalGoal, null=True, on_delete="SET NULL")
    area = CharField(max_length=40, default="")
    responsible = CharField(max_length=200, default="")
    start_month = CharField(max_length=7, default="")  # RRRR-MM
    end_month = CharField(max_length=7, default="")
    cost_grosze = BigIntegerField(null=True)
    funding = CharField(max_length=200, default="")
    expected_result = TextField(default="")
    indicator = CharField(max_length=200, default="")
    target = CharField(max_length=200, default="")
    verification = CharField(max_length=200, default="")

    class Meta:
        indexes = _rows_meta()


class ActionSchool(BaseModel):
    action = ForeignKeyField(Action, backref="school_links", on_delete="CASCADE")
    school = ForeignKeyField(School, on_delete="CASCADE")

    class Meta:
        indexes = ((("action", "school"), True),)


class ActionPartner(BaseModel):
    versioned = False
    action = ForeignKeyField(Action, backref="partner_links", on_delete="CASCADE")
    partner = ForeignKeyField(Partner, on_delete="CASCADE")

    class Meta:
        indexes = ((("action", "partner"), True),)


class Measurement(Row):
    """How one action's indicator is measured: who, when, how."""

    versioned = False

    action = ForeignKeyField(Action, on_delete="CASCADE")
    who = CharField(max_length=200, default="")
    timing = CharField(max_length=200, default="")
    how = TextField(default="")

    class Meta:
        indexes = _rows_meta()


class Risk(Row):
    versioned = False
    risk = TextField(default="")
    mitigation = TextField(default="")

    class Meta:
        indexes = _rows_meta()


class PlanVersion(BaseModel):
    """The content frozen at a submission (JSON of services.plans.plan_content)."""

    plan = ForeignKeyField(Plan, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    content = TextField()
    submitted_at = DateTimeField(default=utcnow)
    submitted_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("plan", "number"), True),)


class PlanEvent(BaseModel):
    """A transition of the plan's life cycle: who, when, from → to, message."""

    plan = ForeignKeyField(Plan, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=utcnow)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    from_status = CharField(max_length=20)
    to_status = CharField(max_length=20)
    message = TextField(default="")


class PendingInput(BaseModel):
    """Form input posted after the session expired, kept (by a random key in a cookie) to be
    restored once the user signs in again."""

    versioned = False

    key_hash = CharField(max_length=64, primary_key=True)
    path = CharField(max_length=300)
    data = TextField()
    created_at = DateTimeField(default=utcnow, index=True)


MODELS = [
    Plan,
    PlanStep,
    PlanText,
    StrategicGoal,
    OperationalGoal,
    Partner,
    School,
    Action,
    ActionSchool,
    ActionPartner,
    Measurement,
    Risk,
    PlanVersion,
    PlanEvent,
    PendingInput,
]


def m0020_plans():
    db.create_tables(MODELS, safe=True)


MIGRATIONS = [(20, m0020_plans)]
