"""The job queue: one huey instance and its tasks (thin: each calls a service function).

It sits at the entry, beside app.py and cli.py: it imports services, nothing below imports it.
create_app configures it once (`configure`): RedisHuey when QUEUE_URL is redis://… (several app
and worker servers), SqliteHuey in a file next to the SQLite database (or in instance/) otherwise,
and immediate mode — each task run at once, in the caller — under TESTING; services/jobs.py is
handed `run_job` there, so a view starts a job with `jobs.start` alone. `flask --app app worker`
runs the consumer."""

import os
import secrets
import socket
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from flask import current_app, has_app_context
from huey import Huey, crontab
from huey.consumer import Consumer, Scheduler
from huey.exceptions import TaskLockedException
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from config import ConfigurationError
from lib import pdf
from models import db, release
from services import (  # noqa: F401 — surveys registers the certificates' job kind
    announcements,
    jobs,
    mail,
    preferences,
    reminders,
    surveys,
)
from services.documents import (  # noqa: F401 — register the document job kinds
    batch_jobs,
    ready_pdf,
)

MAX_DELAY = 1.0  # seconds: the longest an idle consumer waits before looking at the queue again
REDIS_TIMEOUT = 3  # seconds a Redis command may take before the queue counts as unavailable

# Until create_app configures it, a memory queue: importing this module touches no file.
huey = Huey("planjst", results=False, storage_class=MemoryStorage)
_configured = {}


def queue_file(app):
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        path = Path(url.removeprefix("sqlite:///"))
        return str(path.with_name(path.stem + "-queue.sqlite3"))
    return str(Path(app.instance_path) / "queue.sqlite3")


def configure(app):
    config = app.config
    url = config["QUEUE_URL"]
    immediate = config["QUEUE_IMMEDIATE"]
    if immediate is None:
        immediate = bool(config.get("TESTING"))
    if not url and not immediate and not config["DATABASE_URL"].startswith("sqlite"):
        # the default SQLite file is local to this server: no worker elsewhere would see its jobs
        raise ConfigurationError(
            "Brak QUEUE_URL: na PostgreSQL ustaw PLANJST_QUEUE_URL, np. redis://host:6379/0 "
            "(wspólny dla wszystkich serwerów aplikacji i workerów)."
        )
    huey.name = config.get("QUEUE_NAME") or "planjst"
    if url.startswith(("redis://", "rediss://", "unix://")):
        # bounded waits: a Redis that accepts connections and never answers fails a request
        # (and /readyz) in seconds instead of holding it (the worker's blocking read is 1 s)
        pool = redis.ConnectionPool.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"connection_pool": pool}
    else:  # sqlite:///path/queue.sqlite3, or empty: the default file
        filename = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": filename or queue_file(app)}
    huey.immediate = bool(immediate)
    huey.storage = huey.create_storage()
    jobs.configure(
        config["JOB_HEARTBEAT_SECONDS"],
        enqueue=run_job,
        queued_seconds=config["JOB_QUEUED_SECONDS"],
    )
    _configured["app"] = app
    _configured["mail_every"] = max(1, int(config["MAIL_EVERY_SECONDS"]))
    # created here (its key holds the queue's name), known to the consumer's flush_locks
    _configured["mail_lock"] = huey.lock_task("send-mail")
    _configured["survey_lock"] = huey.lock_task("flush-survey-answers")


def queued():
    """How many messages wait in the queue (the readiness check); raises the queue's own error
    when it cannot be read (Redis down or silent, the SQLite file unreadable)."""
    if huey.immediate:
        return 0
    return huey.pending_count()


def lower_priority():
    """Lower this process's CPU priority by WORKER_NICE (its worker processes and LibreOffice
    inherit it): a batch on both cores leaves the web workers answering in milliseconds."""
    step = int(_configured["app"].config["WORKER_NICE"])
    if step > 0 and hasattr(os, "nice"):
        os.nice(step)


@contextmanager
def _app():
    """An app context and a database connection for a task (the caller's, in immediate mode)."""
    if has_app_context():
        app_context = None
    else:
        app_context = _configured["app"].app_context()
        app_context.push()
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield current_app.config
    finally:
        if opened:
            release()
        if app_context is not None:
            app_context.pop()


@huey.task()
def run_job(job_id):
    with _app():
        jobs.run(job_id)


@huey.periodic_task(crontab(minute="*"))
def housekeeping():
    """Every minute: jobs whose worker died are retried (or failed), jobs never taken are failed,
    files older than JOB_KEEP_DAYS go."""
    with _app() as config:
        jobs.recover_stale()
        jobs.expire(config["JOB_KEEP_DAYS"])


@huey.periodic_task(crontab(minute="*/5"))
def flush_survey_answers():
    """Every 5 minutes: waiting survey answers go into the results in shuffled batches (without
    it they never reach the results). Outside any transaction (each batch is its own); one
    consumer at a time (the next run finds what another moved gone)."""
    with _app():
        try:
            with _configured["survey_lock"]:
                surveys.flush_pending_answers()
        except TaskLockedException:
            pass  # another worker is flushing right now


@huey.task(expires=60)  # sends scheduled while no worker ran are dropped, not piled up
def send_mail():
    """Send the outbox (one consumer at a time: a lock shared through the queue's storage)."""
    with _app() as config:
        if not mail.enabled(config):
            return
        try:
            with _configured["mail_lock"]:
                mail.send_pending(config)
        except TaskLockedException:
            pass  # another worker is sending right now


@huey.periodic_task(crontab(minute="*"))
def mail_tick():
    """huey's periodic tasks run at most once a minute: send now and schedule the rest of the
    minute's sends (every MAIL_EVERY_SECONDS)."""
    send_mail()
    every = _configured["mail_every"]
    for delay in range(every, 60, every):
        send_mail.schedule(delay=delay)


@huey.task()
def fan_out_announcement(announcement_id):
    """An announcement's recipient rows and e-mails (the coordinator's request does not wait)."""
    with _app() as config:
        announcements.fan_out(announcement_id, config)


@huey.periodic_task(crontab(minute="7"))
def send_reminders():
    """Every hour: the reminders due (each goes out once — see services/reminders.py); hourly,
    so the Polish day's reminders start within an hour of local midnight whatever the clock."""
    with _app() as config:
        reminders.send_due(config)
        preferences.send_digests(config)  # yesterday's, once, from 6:00 Polish time


class _OncePerMinute(Scheduler):
    """Every worker runs a scheduler; the first to claim a minute in the queue's storage (shared
    by all servers) enqueues that minute's periodic tasks, the others skip it."""

    def enqueue_periodic_tasks(self, now):
        minute = (now or _timestamp(self.huey)).replace(second=0, microsecond=0)
        if not self.huey.put_if_empty(_minute_key(minute), os.getpid()):
            self._logger.debug("periodic tasks of %s enqueued by another worker", minute)
            return
        self.huey.delete(_minute_key(minute - timedelta(minutes=2)))  # claims do not pile up
        super().enqueue_periodic_tasks(minute)


def _timestamp(queue):
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if queue.utc else now.astimezone().replace(tzinfo=None)


def _minute_key(minute):
    return f"periodic:{minute:%Y-%m-%dT%H:%M}"


class _Consumer(Consumer):
    """huey's consumer, stopped as a deploy stops it: on SIGTERM (systemctl stop) it hands its
    running jobs back to the queue — another worker takes them at once — and waits for its runs
    to stop (at their next progress report: LibreOffice killed, temporary files removed); SIGINT
    still lets them finish. Periodic tasks are enqueued once for all workers (_OncePerMinute)."""

    scheduler_class = _OncePerMinute
    shutdown_seconds = 30  # the longest a stop waits for the runs (mail, a digest) to end

    def stop(self, graceful=False):
        if not graceful:
            self.stop_flag.set()  # take nothing more, not even the jobs handed back
            with _app():
                handed = jobs.hand_back(jobs.WORKER["id"])
            self._logger.info("handed %s running job(s) back to the queue", handed)
        self.shutdown_timeout = self.shutdown_seconds
        super().stop(graceful=True)


def consumer(workers=2, worker_type="thread"):
    """The huey consumer serving jobs, mail and housekeeping (flask --app app worker), at a lower
    CPU priority than the web workers; first, what a killed worker left on this machine goes."""
    if huey.immediate:
        raise RuntimeError("the queue runs in immediate mode (TESTING): nothing to consume")
    lower_priority()
    jobs.WORKER["id"] = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    removed = pdf.sweep_leftovers()
    if removed:
        _configured["app"].logger.warning("removed what a killed worker left: %s", removed)
    return _Consumer(
        huey,
        workers=workers,
        worker_type=worker_type,
        periodic=True,
        # an idle worker looks at the queue at least every second (huey's default backs off to
        # 10 s: a job started after a quiet spell waited that long before it began)
        max_delay=MAX_DELAY,
        flush_locks=True,
    )
