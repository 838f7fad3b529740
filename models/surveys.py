"""Models of the evaluation surveys and certificates (issue 10).

Anonymity: SurveyResponse and SurveyAnswer have random (UUID) keys and no user, no time; who has
answered is a separate table (SurveyDone) that says nothing about what. A submission writes who
answered and puts the answers into a pool (SurveyPending: random key, no user); a periodic job
(services.surveys.flush_pending_answers) moves them into SurveyResponse/SurveyAnswer in shuffled
batches of at least three (or all once the survey closes), in other transactions than the
submissions, so neither the order of the rows nor a transaction ties an answer to a person. A
draft (SurveyDraft) is kept with its user and deleted on submission (SQLite: secure_delete zeroes
it; the flush checkpoints and truncates the WAL).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 70–79 belong to this area.
"""

import uuid

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .accounts import User
from .base import BaseModel, db, is_sqlite, utcnow
from .programme import Module, ModuleSession

QUESTION_KINDS = {
    "rating": "ocena 1–5",
    "single": "jednokrotny wybór",
    "multiple": "wielokrotny wybór",
    "text": "odpowiedź opisowa",
}


def _uuid():
    return uuid.uuid4().hex


class Survey(BaseModel):
    title = CharField(max_length=200)
    module = ForeignKeyField(Module, backref="surveys", on_delete="RESTRICT")
    session = ForeignKeyField(ModuleSession, null=True, on_delete="RESTRICT")
    opens_on = DateField()
    closes_on = DateField()
    experts_see_results = BooleanField(default=False)


class Question(BaseModel):
    survey = ForeignKeyField(Survey, backref="questions", on_delete="CASCADE")
    position = IntegerField()
    kind = CharField(max_length=10)
    text = CharField(max_length=500)
    required = BooleanField(default=True)
    options = TextField(default="")  # one choice per line (single and multiple choice)

    @property
    def choices(self):
        return [line for line in self.options.splitlines() if line.strip()]


class SurveyResponse(BaseModel):
    """One anonymous submission: no user, no time; the working group only for the response
    rate and the small-group rule."""

    id = CharField(primary_key=True, max_length=32, default=_uuid)
    survey = ForeignKeyField(Survey, on_delete="CASCADE")
    group = IntegerField(null=True)


class SurveyAnswer(BaseModel):
    """One value: a rating "1"–"5", a choice (one row per choice marked), a text."""

    id = CharField(primary_key=True, max_length=32, default=_uuid)
    response = ForeignKeyField(SurveyResponse, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(Question, on_delete="CASCADE")
    value = TextField()


class SurveyPending(BaseModel):
    """A submitted response waiting for its batch: no user, no time."""

    id = CharField(primary_key=True, max_length=32, default=_uuid)
    survey = ForeignKeyField(Survey, on_delete="CASCADE")
    group = IntegerField(null=True)
    data = TextField()  # JSON [[question id, value], …]


class SurveyDone(BaseModel):
    """Who has answered (once), never what."""

    id = CharField(primary_key=True, max_length=32, default=_uuid)
    survey = ForeignKeyField(Survey, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")

    class Meta:
        indexes = ((("survey", "user"), True),)


class SurveyDraft(BaseModel):
    versioned = False
    survey = ForeignKeyField(Survey, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    data = TextField(default="{}")  # {question id: value or [values]}

    class Meta:
        indexes = ((("survey", "user"), True),)


class Certificate(BaseModel):
    user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
    number = CharField(max_length=30, unique=True)
    code = CharField(max_length=64, unique=True)
    full_name = CharField(max_length=200)
    programme = CharField(max_length=300)
    issued_on = DateField()


class VerifyAttempt(BaseModel):
    """A wrong verification code: counters for the rate limit of the public page."""

    versioned = False

    address = CharField(max_length=64, index=True)
    at = DateTimeField(default=utcnow, index=True)


MODELS = [
    Survey,
    Question,
    SurveyResponse,
    SurveyAnswer,
    SurveyDone,
    SurveyDraft,
    Certificate,
    VerifyAttempt,
    SurveyPending,
]


# SQLite stores a table in rowid order, the order rows were written: rowid n of the answers and
# rowid n of "who answered" would be one person. Without a rowid, rows are stored in the order of
# their random keys. (PostgreSQL keeps no such visible order; its physical order and xmin are
# only an operator's to see — see the README.)
ORDERLESS = [SurveyResponse, SurveyAnswer, SurveyDone]


def _create(models):
    for model in (*ORDERLESS, SurveyPending):
        model._meta.without_rowid = is_sqlite()
    db.create_tables(models, safe=True)


def m0070_surveys():
    _create(MODELS)


def m0071_orderless_answers():
    """Databases made before ORDERLESS: rebuild those tables without a rowid (SQLite only)."""
    if not is_sqlite():
        return
    tables = {m: m._meta.table_name for m in ORDERLESS}
    schema = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    if all("WITHOUT ROWID" in schema.get(name, "") for name in tables.values()):
        return
    rows = {m: list(m.select().order_by(m.id).dicts()) for m in ORDERLESS}
    for model in (SurveyAnswer, SurveyResponse, SurveyDone):  # the referencing table first
        db.execute_sql(f'DROP TABLE "{tables[model]}"')
    _create(ORDERLESS)
    for model in ORDERLESS:
        for start in range(0, len(rows[model]), 500):
            model.insert_many(rows[model][start : start + 500]).execute()


def m0072_pending_answers():
    """Answers wait in a pool for the shuffled batches (see the module's docstring)."""
    _create([SurveyPending])


MIGRATIONS = [
    (70, m0070_surveys),
    (71, m0071_orderless_answers),
    (72, m0072_pending_answers),
]
