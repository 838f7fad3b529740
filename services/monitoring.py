"""What the database knows that operators watch, read when Prometheus scrapes: jobs by kind and
state with the oldest queued one's age, the outbox's size and its oldest unsent message, the
data version (its counter rises at every committed write to a tracked table)."""

from peewee import fn

from models import OutboxMessage, utcnow
from models.jobs import Job
from models.versions import current

from .mail import MAX_ATTEMPTS


def snapshot():
    now = utcnow()
    jobs = [
        (kind, state, count)
        for kind, state, count in Job.select(Job.kind, Job.state, fn.COUNT(Job.id))
        .group_by(Job.kind, Job.state)
        .tuples()
    ]
    oldest_queued = Job.select(fn.MIN(Job.created_at)).where(Job.state == "queued").scalar()
    unsent = OutboxMessage.select().where(
        OutboxMessage.sent_at.is_null() & (OutboxMessage.attempts < MAX_ATTEMPTS)
    )
    oldest_unsent = unsent.select(fn.MIN(OutboxMessage.created_at)).scalar()
    version = current()
    return {
        "jobs": jobs,
        "oldest_queued_seconds": _age(now, oldest_queued),
        "outbox": unsent.count(),
        "outbox_oldest_seconds": _age(now, oldest_unsent),
        "data_version": version[1] if version else 0,
    }


def _age(now, moment):
    return max((now - moment).total_seconds(), 0.0) if moment else 0.0
