"""Numbered schema migrations, applied in order by `flask --app app init-db` (idempotent).

A migration that creates tables uses the current model classes with safe=True; a later one that
changes a column must use playhouse.migrate and check what exists, so a fresh database (where the
first migration already created the current shape) and an old one both end the same.
"""

from peewee import CharField, DateTimeField, IntegerField
from playhouse import migrate as schema

from . import (
    documents,
    jobs,
    jst,
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
from .base import BaseModel, db, is_postgres, utcnow, write_tx
from .jst import ExpertAssignment, Jst, TeamMembership
from .mail import OutboxMessage
from .settings import Setting


class SchemaMigration(BaseModel):
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
    + versions.MIGRATIONS
)


def migrate():
    """Apply what is missing; returns the names applied."""
    db.create_tables([SchemaMigration], safe=True)
    done = {m.number for m in SchemaMigration.select(SchemaMigration.number)}
    applied = []
    for number, func in MIGRATIONS:
        if number in done:
            continue
        with write_tx():
            if is_postgres():  # the data version's deferred triggers fire as rows change, so
                # an ALTER TABLE after an UPDATE of a tracked table finds no pending events
                db.execute_sql("SET CONSTRAINTS ALL IMMEDIATE")
            func()
            SchemaMigration.create(number=number, name=func.__name__)
        applied.append(func.__name__)
    with write_tx():
        versions.install_triggers()
    return applied
