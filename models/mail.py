"""The outbox: mail waiting for the send-mail worker."""

from peewee import CharField, DateTimeField, IntegerField, TextField

from .base import TimestampedModel


class OutboxMessage(TimestampedModel):
    versioned = False
    to = CharField(max_length=254)
    subject = CharField(max_length=200)
    body = TextField()
    attempts = IntegerField(default=0)
    last_error = CharField(max_length=500, default="")
    sent_at = DateTimeField(null=True, index=True)
