"""Models of the Word documents (issue 7): uploaded template versions and signed paper copies.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 40–49 belong to this area.
"""

from peewee import BlobField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from lib import crypto

from .accounts import User
from .base import BaseModel, db, utcnow
from .jst import Jst


class DocumentTemplate(BaseModel):
    """A template version uploaded by a coordinator (the newest of a kind is in use; without any,
    the file in doc_templates/ is). Kept in the database so every app server uses it."""

    versioned = False

    kind = CharField(max_length=20, index=True)
    data = BlobField()
    filename = CharField(max_length=200, default="")
    uploaded_at = DateTimeField(default=utcnow)
    uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class SignedCopy(BaseModel):
    """A signed paper copy came back: the exact file that was signed, and a fingerprint of the
    data it printed (to warn when the data changes later)."""

    kind = CharField(max_length=20)
    jst = ForeignKeyField(Jst, null=True, on_delete="CASCADE")
    participant = ForeignKeyField(User, null=True, on_delete="CASCADE")
    plan_version = IntegerField(null=True)
    received_on = DateField()
    recorded_at = DateTimeField(default=utcnow)
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    fingerprint = CharField(max_length=64)
    filename = CharField(max_length=200)
    data = BlobField()


MODELS = [DocumentTemplate, SignedCopy]


def m0040_documents():
    db.create_tables(MODELS, safe=True)


def m0041_encrypt_signed_copies():
    """Signed copies (a declaration prints PESEL and address) are stored encrypted from now on."""
    for copy in SignedCopy.select():
        if not crypto.is_token(copy.data):
            SignedCopy.update(data=crypto.encrypt_bytes(copy.data)).where(
                SignedCopy.id == copy.id
            ).execute()


MIGRATIONS = [(40, m0040_documents), (41, m0041_encrypt_signed_copies)]
