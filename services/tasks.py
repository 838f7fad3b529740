"""The job queue: one huey instance and its tasks (thin: each calls a service function).

create_app configures it (`configure`): RedisHuey when QUEUE_URL is redis://… (several app and
worker servers), SqliteHuey in a file next to the SQLite database (or in instance/) otherwise,
and immediate mode — each task run at once, in the caller — under TESTING. `flask --app app
worker` runs the consumer; `huey_consumer services.tasks.app_huey` does the same (it builds the
app from instance/config.py and PLANJST_* first)."""

import os
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, has_app_context
from huey import Huey, crontab
from huey.exceptions import TaskLockedException
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from models import db, release

from . import (  # noqa: F401 — batch_jobs registers the job kinds
    announcements,
    jobs,
    mail,
    preferences,
    reminders,
    surveys,
)
from .documents import batch_jobs  # noqa: F401 — registers the document job kinds

MAX_DELAY = 1.0  # seconds: the longest an idle consumer waits before looking at the queue again

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
    huey.name = config.get("QUEUE_NAME") or "planjst"
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": url}
    else:  # sqlite:///path/queue.sqlite3, or empty: the default file
        filename = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": filename or queue_file(app)}
    huey.immediate = bool(immediate)
    huey.storage = huey.create_storage()
    jobs.configure(config["JOB_HEARTBEAT_SECONDS"])
    _configured["app"] = app
    _configured["mail_every"] = max(1, int(config["MAIL_EVERY_SECONDS"]))
    # created here (its key holds the queue's name), known to the consumer's flush_locks
    _configured["mail_lock"] = huey.lock_task("send-mail")
    _configured["survey_lock"] = huey.lock_task("flush-survey-answers")


def __getattr__(name):
    """`app_huey`: the instance configured by a new app (for huey_consumer)."""
    if name != "app_huey":
        raise AttributeError(name)
    if "app" not in _configured:
        from app import create_app  # noqa: PLC0415 — only huey_consumer comes this way

        create_app()
        lower_priority()
    return huey


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


def enqueue_job(job_id):
    """Hand a job to the queue (jobs.start calls it after the job's row is committed)."""
    run_job(job_id)


@huey.task()
def run_job(job_id):
    with _app():
        jobs.run(job_id)


@huey.periodic_task(crontab(minute="*"))
def housekeeping():
    """Every minute: jobs whose worker died are failed, files older than JOB_KEEP_DAYS go."""
    with _app() as config:
        jobs.fail_stale()
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


def consumer(workers=2, worker_type="thread"):
    """The huey consumer serving jobs, mail and housekeeping (flask --app app worker), at a lower
    CPU priority than the web workers."""
    if huey.immediate:
        raise RuntimeError("the queue runs in immediate mode (TESTING): nothing to consume")
    lower_priority()
    return huey.create_consumer(
        workers=workers,
        worker_type=worker_type,
        periodic=True,
        flush_locks=True,
        # an idle worker looks at the queue at least every second (huey's default backs off to
        # 10 s: a job started after a quiet spell waited that long before it began)
        max_delay=MAX_DELAY,
    )
