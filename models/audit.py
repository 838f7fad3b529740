"""The append-only audit log."""

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .accounts import User
from .base import BaseModel, utcnow


class AuditLog(BaseModel):
    versioned = False
    at = DateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=60, index=True)
    subject = CharField(max_length=200, default="")  # e.g. "user:12"; never personal data
    address = CharField(max_length=64, default="")
    details = TextField(default="")

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Dziennik zdarzeń jest tylko do dopisywania.")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise PermissionError("Dziennik zdarzeń jest tylko do dopisywania.")
