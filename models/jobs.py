"""Models of the background jobs (issue 16): a batch built by the worker, its progress, and the
finished file stored in the database in chunks (every app server can serve it).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 80–89 belong to this area.
"""

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)
from playhouse.migrate import SchemaMigrator, migrate

from .accounts import User
from .base import BaseModel, db, utcnow

STATES = {
    "queued": "w kolejce",
    "running": "w toku",
    "done": "gotowe",
    "failed": "nieudane",
    "cancelled": "anulowane",
    "expired": "wygasłe",
}
ACTIVE = ("queued", "running")


class Job(BaseModel):
    """One batch asked for by a coordinator. `key` names what is built (kind and parameters):
    the same batch asked again while one is queued or running gives that one."""

    versioned = False

    kind = CharField(max_length=40)
    params = TextField(default="{}")  # JSON
    key = CharField(max_length=200, index=True)
    requested_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    state = CharField(max_length=10, default="queued", index=True)
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow, index=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    heartbeat_at = DateTimeField(null=True)
    error = TextField(default="")  # Polish, shown to the coordinator
    result_name = CharField(max_length=200, default="")
    result_mimetype = CharField(max_length=100, default="")
    result_size = IntegerField(default=0)
    personal = BooleanField(default=False)  # the file holds personal data: chunks encrypted
    missing = TextField(default="")  # the index of what was incomplete, one line each
    # each take by a worker raises `attempt`: a run handed back or retried writes nothing more
    attempt = IntegerField(default=0)
    worker = CharField(max_length=100, default="")  # the consumer running it (host:pid:token)


class JobChunk(BaseModel):
    """A piece (about 1 MB) of a job's file, in order; encrypted when the job is personal."""

    versioned = False

    job = ForeignKeyField(Job, on_delete="CASCADE", backref="chunks")
    number = IntegerField()
    data = BlobField()

    class Meta:
        indexes = ((("job", "number"), True),)


MODELS = [Job, JobChunk]


def m0080_jobs():
    db.create_tables(MODELS, safe=True)


def m0081_job_attempts():
    """A job handed back by a stopping worker, or retried after one died, is taken again."""
    columns = {c.name for c in db.get_columns("job")}
    migrator = SchemaMigrator.from_database(db.obj)
    for name, field in (("attempt", Job.attempt), ("worker", Job.worker)):
        if name not in columns:
            migrate(migrator.add_column("job", name, field))


MIGRATIONS = [(80, m0080_jobs), (81, m0081_job_attempts)]
