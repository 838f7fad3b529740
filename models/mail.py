"""The outbox: mail waiting for the send-mail worker."""

from peewee import CharField, DateTimeField, IntegerField, TextField, Value

from .base import TimestampedModel


class OutboxMessage(TimestampedModel):
    versioned = False
    to = CharField(max_length=254)
    subject = CharField(max_length=200)
    body = TextField()
    attempts = IntegerField(default=0)
    last_error = CharField(max_length=500, default="")
    sent_at = DateTimeField(null=True, index=True)

    @classmethod
    def queue_many(cls, messages, now):
        """Queue [(to, subject, body)] created `now`, 400 rows per INSERT (SQLite allows 32,766
        variables a statement). Call inside the write transaction."""
        rows = [(*message, now) for message in messages]
        for start in range(0, len(rows), 400):
            cls.insert_many(
                rows[start : start + 400], fields=[cls.to, cls.subject, cls.body, cls.created_at]
            ).execute()

    @classmethod
    def queue_from(cls, addresses, subject, body, now):
        """Queue the same message to every address `addresses` selects (a query of one column)
        in one INSERT … SELECT, whatever their number. Call inside the write transaction."""
        cls.insert_from(
            addresses.select_extend(Value(subject), Value(body), Value(now), Value(0), Value("")),
            [cls.to, cls.subject, cls.body, cls.created_at, cls.attempts, cls.last_error],
        ).execute()
