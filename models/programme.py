"""Models of the programme around the plan (issue 9): modules and their sessions, working
groups, attendance, implementation tasks and reports, follow-up after the pilot.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 60–69 belong to this area.
"""

from peewee import (
    BlobField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .accounts import User
from .base import BaseModel, db, utcnow
from .jst import Jst

SESSION_KINDS = {
    "zajecia": "zajęcia (90 min)",
    "wyklad": "wykład (zmiany w prawie)",
    "stolik": "stolik ekspercki",
}
REPORT_STATUS = {"submitted": "przekazany", "accepted": "przyjęty", "more": "do uzupełnienia"}
PROGRESS_STATUS = {
    "not_started": "nierozpoczęte",
    "in_progress": "w trakcie",
    "done": "zrealizowane",
    "at_risk": "zagrożone",
}


class Module(BaseModel):
    number = IntegerField(unique=True)
    start_date = DateField()
    end_date = DateField()
    venue = CharField(max_length=200, default="")
    hours = CharField(
        max_length=200, default="od 10:30 pierwszego dnia do obiadu (14:00) ostatniego dnia"
    )


class ModuleSession(BaseModel):
    module = ForeignKeyField(Module, backref="sessions", on_delete="CASCADE")
    day = IntegerField()
    start = CharField(max_length=5)  # HH:MM
    end = CharField(max_length=5)
    title = CharField(max_length=200)
    kind = CharField(max_length=10, default="zajecia")


class WorkingGroup(BaseModel):
    number = IntegerField(unique=True)


class GroupMember(BaseModel):
    """A JST's whole team belongs to one working group."""

    jst = ForeignKeyField(Jst, unique=True, on_delete="CASCADE")
    group = ForeignKeyField(WorkingGroup, backref="members", on_delete="CASCADE")


class Attendance(BaseModel):
    module = ForeignKeyField(Module, on_delete="RESTRICT")
    user = ForeignKeyField(User, on_delete="CASCADE")
    day = IntegerField()

    class Meta:
        # the second: a person's days, read from the index alone (the report joins the
        # attendance to the teams by person)
        indexes = ((("module", "user", "day"), True), (("user", "module", "day"), False))


class Task(BaseModel):
    """The implementation task between a module and the next one."""

    module = ForeignKeyField(Module, unique=True, on_delete="RESTRICT")
    title = CharField(max_length=200)
    description = TextField(default="")
    due_date = DateField(null=True)


class TaskReport(BaseModel):
    task = ForeignKeyField(Task, backref="reports", on_delete="CASCADE")
    jst = ForeignKeyField(Jst, on_delete="CASCADE")
    text = TextField(default="")
    status = CharField(max_length=10, default="submitted")
    expert_comment = TextField(default="")
    updated_at = DateTimeField(default=utcnow)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("task", "jst"), True),)


class Attachment(BaseModel):
    versioned = False
    report = ForeignKeyField(TaskReport, backref="attachments", on_delete="CASCADE")
    filename = CharField(max_length=200)
    content_type = CharField(max_length=100)
    size = IntegerField()
    data = BlobField()
    uploaded_at = DateTimeField(default=utcnow)


class Consultation(BaseModel):
    jst = ForeignKeyField(Jst, unique=True, on_delete="CASCADE")
    meeting_date = DateField(null=True)
    expert = ForeignKeyField(User, null=True, on_delete="SET NULL")
    outcome = TextField(default="")


class ProgressReport(BaseModel):
    versioned = False
    jst = ForeignKeyField(Jst, on_delete="CASCADE")
    period = CharField(max_length=7)  # 2018-1 | 2018-2 (half-years)
    action_uid = CharField(max_length=32)
    action_title = CharField(max_length=200)
    status = CharField(max_length=12)
    comment = TextField(default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("jst", "period", "action_uid"), True),)


class BestPlan(BaseModel):
    jst = ForeignKeyField(Jst, unique=True, on_delete="CASCADE")
    marked_at = DateTimeField(default=utcnow)


MODELS = [
    Module,
    ModuleSession,
    WorkingGroup,
    GroupMember,
    Attendance,
    Task,
    TaskReport,
    Attachment,
    Consultation,
    ProgressReport,
    BestPlan,
]


def m0060_programme():
    db.create_tables(MODELS, safe=True)


def m0061_attendance_by_person():
    """An index of the attendance by person, module and day (the report at the country's size)."""
    Attendance._schema.create_indexes(safe=True)


MIGRATIONS = [(60, m0060_programme), (61, m0061_attendance_by_person)]
