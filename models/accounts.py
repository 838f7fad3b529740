"""Accounts, server-side sessions, login attempts and one-time password links."""

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from lib.text import fold

from .base import BaseModel, TimestampedModel, utcnow

ROLES = {
    "participant": "Uczestnik – członek zespołu JST",
    "expert": "Ekspert opiekun JST",
    "coordinator": "Koordynator projektu",
    "admin": "Administrator",
}


class User(UserMixin, TimestampedModel):
    email = CharField(max_length=254, unique=True)  # stored lower-case
    full_name = CharField(max_length=200)
    name_key = CharField(max_length=200, default="")  # folded for search (as Jst.name_key)
    role = CharField(max_length=20, index=True)
    active = BooleanField(default=True)
    password_hash = CharField(max_length=255, default="")
    password_changed_at = DateTimeField(null=True)

    def save(self, *args, **kwargs):
        if self.full_name is not None:
            self.name_key = User.key_for(self.full_name)
        return super().save(*args, **kwargs)

    @staticmethod
    def key_for(name):
        """fold(name) cut to the column (a search key needs no more)."""
        return fold(name)[: User.name_key.max_length]

    @property
    def is_active(self):
        return self.active

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)


class UserSession(BaseModel):
    """A signed-in browser. The cookie carries a random id; the row carries its hash."""

    versioned = False

    id_hash = CharField(max_length=64, primary_key=True)
    user = ForeignKeyField(User, null=True, backref="sessions", on_delete="CASCADE")
    data = TextField(default="{}")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow, index=True)


class LoginAttempt(BaseModel):
    """A failed login: counters for throttling live here so they hold across processes."""

    versioned = False

    email = CharField(max_length=254, index=True)
    address = CharField(max_length=64, index=True)
    at = DateTimeField(default=utcnow, index=True)


class PasswordLinkRequest(BaseModel):
    """A forgot-password request, kept for the throttling window (then deleted). The e-mail is
    kept only as a hash: most requests name no account."""

    versioned = False

    email_hash = CharField(max_length=64, index=True)
    address = CharField(max_length=64, index=True)
    sent = BooleanField(default=False)  # a link was sent (counts against the account)
    at = DateTimeField(default=utcnow, index=True)


class PasswordToken(TimestampedModel):
    """A one-time set-password link (first access or reset). Only the hash is stored."""

    versioned = False

    user = ForeignKeyField(User, backref="password_tokens", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
