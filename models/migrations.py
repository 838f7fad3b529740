"""Numbered schema migrations, applied in order by `flask --app app init-db` (idempotent).

A migration that creates tables uses the current model classes with safe=True; a later one that
changes a column must use playhouse.migrate and check what exists, so a fresh database (where the
first migration already created the current shape) and an old one both end the same.
"""

import fcntl
from contextlib import contextmanager

from peewee import CharField, DateTimeField, IntegerField
from playhouse import migrate as schema

from . import (
    documents,
    jobs,
    jst,
    library,
    networks,
    notify,
    participants,
    plans,
    programme,
    review,
    surveys,
    versions,
)
from .accounts import LoginAttempt, PasswordLinkRequest, PasswordToken, User, UserSession
from .audit import AuditLog
from .base import BaseModel, db, is_sqlite, utcnow, write_tx
from .jst import ExpertAssignment, Jst, TeamMembership
from .mail import OutboxMessage
from .settings import Setting

MIGRATION_LOCK = 0x706C616E6A7374  # "planjst": the advisory lock's key, one for the database


class SchemaMigration(BaseModel):
    versioned = False
    number = IntegerField(primary_key=True)
    name = CharField(max_length=100)
    applied_at = DateTimeField(default=utcnow)


def m0001_foundation():
    db.create_tables(
        [
            User,
            UserSession,
            LoginAttempt,
            PasswordToken,
            AuditLog,
            Setting,
            Jst,
            TeamMembership,
            ExpertAssignment,
            OutboxMessage,
        ],
        safe=True,
    )


def m0006_password_link_requests():
    db.create_tables([PasswordLinkRequest], safe=True)


def m0007_user_name_key():
    """People's names folded for a search without case and diacritics (as the JSTs')."""
    if "name_key" not in {c.name for c in db.get_columns("user")}:
        migrator = schema.SchemaMigrator.from_database(db.obj)
        schema.migrate(migrator.add_column("user", "name_key", User.name_key))
    for user in User.select(User.id, User.full_name).where(User.name_key == ""):
        User.update(name_key=User.key_for(user.full_name)).where(User.id == user.id).execute()


# foundation: 1–9 here; every area keeps its own list in its module (see its docstring)
MIGRATIONS = sorted(
    [
        (1, m0001_foundation),
        (6, m0006_password_link_requests),
        (7, m0007_user_name_key),
    ]
    + jst.MIGRATIONS
    + plans.MIGRATIONS
    + participants.MIGRATIONS
    + documents.MIGRATIONS
    + review.MIGRATIONS
    + programme.MIGRATIONS
    + surveys.MIGRATIONS
    + jobs.MIGRATIONS
    + notify.MIGRATIONS
    + networks.MIGRATIONS
    + versions.MIGRATIONS
    + library.MIGRATIONS
)


def migrate():
    """Apply what is missing; returns the names applied.

    SQLite changes a column's constraints by copying the table and dropping the old one
    (playhouse.migrate), and dropping a table deletes its rows first — with foreign keys on,
    every row that refers to them goes too (a NOT NULL column added to "user" emptied the teams,
    the participants' data and the attendance). So foreign keys are off while migrations run, as
    SQLite's own procedure for altering a table asks, and checked before they are back on.

    Every server may run it at start, at once: one applies, the others wait and find nothing
    left to do (`_one_at_a_time`)."""
    with _one_at_a_time():
        return _migrate()


@contextmanager
def _one_at_a_time():
    """Hold the migrations' lock: a PostgreSQL session advisory lock (the database's, across
    servers), or on SQLite an exclusive lock on a file beside the database (every process that
    can open the file shares the directory)."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            yield
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        return
    name = db.obj.database
    if name == ":memory:" or name.startswith("file:"):
        yield
        return
    with open(f"{name}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _migrate():
    db.create_tables([SchemaMigration], safe=True)
    done = {m.number for m in SchemaMigration.select(SchemaMigration.number)}
    applied = []
    sqlite = is_sqlite()
    if sqlite:
        db.execute_sql("PRAGMA foreign_keys = OFF")  # outside a transaction, or it is ignored
    try:
        for number, func in MIGRATIONS:
            if number in done:
                continue
            with write_tx():
                if not sqlite:  # the data version's deferred triggers fire as rows change,
                    # so an ALTER TABLE after an UPDATE of a tracked table finds nothing pending
                    db.execute_sql("SET CONSTRAINTS ALL IMMEDIATE")
                func()
                SchemaMigration.create(number=number, name=func.__name__)
                if sqlite and db.execute_sql("PRAGMA foreign_key_check").fetchone():
                    raise RuntimeError(f"{func.__name__}: the foreign keys no longer hold")
            applied.append(func.__name__)
    finally:
        if sqlite:
            db.execute_sql("PRAGMA foreign_keys = ON")
    with write_tx():
        versions.install_triggers()  # a table copied by a migration lost its triggers
    return applied
