"""Programme settings edited by coordinators (key → text)."""

from peewee import CharField, DateTimeField, TextField

from .base import BaseModel, utcnow


class Setting(BaseModel):
    key = CharField(max_length=60, primary_key=True)
    value = TextField(default="")
    updated_at = DateTimeField(default=utcnow)
