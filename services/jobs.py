"""Background jobs (issue 16): a batch is started with one call, built by the worker (huey, see
tasks.py beside app.py: it hands this module its `run_job` once, `configure`) and its file stored
in the database in chunks, encrypted when it holds personal data, so every app server can stream
it and it outlives the worker.

A job kind is registered with `register(name, JobKind(...))` (documents/batch_jobs.py registers
the document batches). Its `build(ctx)` is a generator of the file's bytes: it reports progress
with `ctx.progress(done, total)` (or iterates `ctx.counted(items)`), which raises Cancelled when
the coordinator cancelled the job; it may raise JobRefused with a Polish message (an empty
selection) and fills `ctx.missing` with the index of incomplete documents."""

import errno
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from peewee import JOIN, fn

from lib import crypto, metrics
from models import User, db, is_postgres, locked, release, utcnow, write_tx
from models.jobs import ACTIVE, STATES, Job, JobChunk

from . import audit

CHUNK_BYTES = 1024 * 1024  # one JobChunk row: neither the database nor memory holds a whole file
PROGRESS_EVERY = 0.5  # seconds between progress writes (and cancellation checks)
log = logging.getLogger(__name__)
job_log = logging.getLogger("planjst.job")  # one JSON line per job (views/observability.py)


class Cancelled(Exception):
    """The job was cancelled (or taken away) while it ran: stop, keep nothing."""


class JobRefused(Exception):
    """The job cannot build its file; the message (Polish) says why, the coordinator reads it."""


class QueueUnavailable(Exception):
    """The queue did not accept the job (Redis down …); nothing was started."""


@dataclass(frozen=True)
class JobKind:
    label: Callable[[dict], str]  # params → what is built, in Polish
    build: Callable[["JobContext"], Iterable[bytes]]
    filename: Callable[[dict], str]  # params → the downloaded file's name (ASCII)
    mimetype: str
    personal: Callable[[dict], bool] = lambda params: True  # noqa: E731 — encrypt unless known not
    listed: bool = True  # on the coordinators' list of recent jobs (not one per document's PDF)


KINDS: dict[str, JobKind] = {}


def register(name, kind):
    KINDS[name] = kind


class JobContext:
    """What a builder gets: the job's parameters, who asked, progress and the missing index."""

    def __init__(self, job):
        self.job_id = job.id
        self.attempt = job.attempt
        self.params = json.loads(job.params)
        self.actor = job.requested_by
        self.missing = []  # "file name: what is missing" lines
        self._reported = 0.0

    def progress(self, done, total):
        """Record progress (at most every PROGRESS_EVERY s, and at the end); raise Cancelled
        when the job is no longer running (cancelled, or failed by the heartbeat check)."""
        now = time.monotonic()
        if done < total and now - self._reported < PROGRESS_EVERY:
            return
        self._reported = now
        with write_tx():
            updated = (
                Job.update(done=done, total=total, heartbeat_at=utcnow())
                .where(_mine(self.job_id, self.attempt))
                .execute()
            )
        if not updated:
            raise Cancelled()

    def counted(self, items):
        """Iterate `items` (a list), reporting progress after each one."""
        total = len(items)
        self.progress(0, total)
        for done, item in enumerate(items, 1):
            yield item
            self.progress(done, total)


def _mine(job_id, attempt):
    """The job, still running in this attempt (not cancelled, handed back or taken again)."""
    return (Job.id == job_id) & (Job.state == "running") & (Job.attempt == attempt)


def key_of(kind, params):
    return f"{kind}:{json.dumps(params, sort_keys=True, ensure_ascii=True)}"[:200]


def label(job):
    kind = KINDS.get(job.kind)
    return kind.label(json.loads(job.params)) if kind else job.kind


def state_label(job):
    return STATES[job.state]


def start(kind, params, actor, enqueue=None, done_too=False):
    """The job building `kind` with `params` for `actor`: the one already queued or running for
    the same batch (or, `done_too`, finished: a file its key fully determines, such as one
    document's version), or a new one handed to the queue (after its row is committed, so the
    worker finds it) by the configured task, or by `enqueue(job_id)` when given (tests,
    benchmarks). Raises QueueUnavailable when the queue refuses it."""
    if kind not in KINDS:
        raise ValueError(kind)
    key = key_of(kind, params)
    states = (*ACTIVE, "done") if done_too else ACTIVE
    with write_tx():
        if is_postgres():  # two coordinators at once: one creates it, the other finds it
            db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
        running = (
            Job.select().where((Job.key == key) & Job.state.in_(states)).order_by(Job.id).first()
        )
        if running is not None and not _stale(running):
            return running
        if running is not None:  # never run, or its worker died: the new one replaces it
            _end(running.id, "failed", _stale_reason(running), states=(running.state,))
        job = Job.create(
            kind=kind,
            params=json.dumps(params, sort_keys=True),
            key=key,
            requested_by=actor,
            personal=KINDS[kind].personal(params),
        )
    _send(job.id, enqueue)
    return Job.get_by_id(job.id)


def _send(job_id, enqueue=None):
    """Hand the (committed, queued) job to the queue; the queue down: failed, QueueUnavailable."""
    try:
        (enqueue or _queue["enqueue"])(job_id)
    except Exception as exc:  # the queue's own errors (redis.ConnectionError, sqlite3 …)
        log.warning("queue refused job %s: %s", job_id, exc)
        _end(
            job_id,
            "failed",
            error="Kolejka zadań jest niedostępna — proszę spróbować ponownie później.",
        )
        raise QueueUnavailable() from exc


WORKER = {"id": ""}  # the consumer this process belongs to (tasks.consumer sets it)


def run(job_id):
    """Build the job's file (the worker's task). A job already taken — cancelled, or started by
    another consumer — is left alone. Each take is a new attempt: what an earlier one (handed
    back, or of a worker that died) left is deleted, and it can write nothing more."""
    with write_tx():
        now = utcnow()
        taken = (
            Job.update(
                state="running",
                started_at=now,
                heartbeat_at=now,
                done=0,
                attempt=Job.attempt + 1,
                worker=WORKER["id"][:100],
            )
            .where((Job.id == job_id) & (Job.state == "queued"))
            .execute()
        )
        if taken:
            JobChunk.delete().where(JobChunk.job == job_id).execute()
    if not taken:
        return
    job = Job.get_by_id(job_id)
    waited = max((job.started_at - job.created_at).total_seconds(), 0.0)
    metrics.JOB_WAIT_SECONDS.labels(job.kind).observe(waited)
    began = time.monotonic()
    with _Heartbeat(job.id, job.attempt):
        outcome = _build(job)
    seconds = time.monotonic() - began
    metrics.JOB_SECONDS.labels(job.kind, outcome).observe(seconds)
    job_log.info(
        "job",
        extra={
            "job_id": job.id,
            "kind": job.kind,
            "attempt": job.attempt,
            "outcome": outcome,
            "user_id": job.requested_by_id,
            "wait_ms": round(waited * 1000),
            "duration_ms": round(seconds * 1000),
        },
    )


def _build(job):
    """How the attempt ended: done, cancelled (or taken away), refused, failed."""
    kind = KINDS[job.kind]
    context = JobContext(job)
    writer = _ChunkWriter(job.id, job.attempt, job.personal)
    try:
        for data in kind.build(context):
            writer.write(data)
        writer.close()
        with write_tx():
            finished = (
                Job.update(
                    state="done",
                    finished_at=utcnow(),
                    heartbeat_at=utcnow(),
                    result_size=writer.size,
                    result_name=kind.filename(context.params),
                    result_mimetype=kind.mimetype,
                    missing="\n".join(context.missing),
                )
                .where(_mine(job.id, job.attempt))
                .execute()
            )
        if not finished:
            raise Cancelled()
    except Cancelled:
        _drop_chunks(job.id, job.attempt)
        return "cancelled"
    except JobRefused as exc:
        _end(job.id, "failed", error=str(exc), attempt=job.attempt)
        return "refused"
    except Exception as exc:  # logged for the administrator; the coordinator reads the message
        log.exception("job %s (%s) failed", job.id, job.kind)
        error = "Nie udało się zbudować pliku — wystąpił nieoczekiwany błąd."
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            error = "Nie udało się zapisać pliku, proszę spróbować później."  # a full disk
        _end(job.id, "failed", error=error, attempt=job.attempt)
        return "failed"
    return "done"


class _Heartbeat(threading.Thread):
    """Beats for a running attempt while its worker lives, between progress reports too (the
    batch's contexts load, one long LibreOffice document): only a worker that died, or hangs
    the whole process, goes silent for JOB_HEARTBEAT_SECONDS."""

    def __init__(self, job_id, attempt):
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.attempt = job_id, attempt
        self.stopped = threading.Event()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.join()

    def run(self):
        every = max(0.5, _heartbeat_timeout["seconds"] / 4)
        while not self.stopped.wait(every):
            try:
                with db.connection_context(), write_tx():
                    Job.update(heartbeat_at=utcnow()).where(
                        _mine(self.job_id, self.attempt)
                    ).execute()
            except Exception:  # noqa: BLE001 — the next beat tries again; the run goes on
                log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)


class _ChunkWriter:
    """Stores the file as it is produced, CHUNK_BYTES at a time (each write checks that the job
    still runs: a cancelled job stops at its next chunk)."""

    def __init__(self, job_id, attempt, personal):
        self.job_id, self.attempt, self.personal = job_id, attempt, personal
        self.buffer = bytearray()
        self.number = 0
        self.size = 0

    def write(self, data):
        self.buffer += data
        self.size += len(data)
        while len(self.buffer) >= CHUNK_BYTES:
            self._store(bytes(self.buffer[:CHUNK_BYTES]))
            del self.buffer[:CHUNK_BYTES]

    def close(self):
        if self.buffer or not self.number:
            self._store(bytes(self.buffer))
            self.buffer.clear()

    def _store(self, data):
        stored = crypto.encrypt_bytes(data) if self.personal else data
        with write_tx():
            # the row locked: a hand-back or a new take waits until this chunk is in
            if not locked(Job.select(Job.id).where(_mine(self.job_id, self.attempt))).exists():
                raise Cancelled()
            JobChunk.create(job=self.job_id, number=self.number, data=stored)
        self.number += 1


def _drop_chunks(job_id, attempt):
    """What a stopped attempt stored, unless the job was taken again meanwhile (the new attempt
    deleted it when it began, and what it writes now is its own)."""
    with write_tx():
        if locked(Job.select(Job.id).where((Job.id == job_id) & (Job.attempt == attempt))).exists():
            JobChunk.delete().where(JobChunk.job == job_id).execute()


def _end(job_id, state, error="", states=ACTIVE, attempt=None):
    """Move a job that is in one of `states` (and in `attempt`, when given) to `state`, deleting
    its file; True when it moved."""
    where = (Job.id == job_id) & Job.state.in_(states)
    if attempt is not None:
        where &= Job.attempt == attempt
    with write_tx():
        moved = Job.update(state=state, error=error, finished_at=utcnow()).where(where).execute()
        if moved:
            JobChunk.delete().where(JobChunk.job == job_id).execute()
    return bool(moved)


def forget(query):
    """The finished jobs of `query` expired, their files deleted (a newer file replaces them);
    returns how many."""
    return sum(_end(job.id, "expired", states=("done",)) for job in query)


def cancel(job):
    """Cancel a queued or running job (the worker stops at its next progress report and keeps
    nothing); False when it had already ended."""
    return _end(job.id, "cancelled")


# ---------- the worker's health: stale jobs, hand-back, retries; expiry ----------

_heartbeat_timeout = {"seconds": 120}
_queued_timeout = {"seconds": 600}
_queue = {"enqueue": None}
MAX_ATTEMPTS = 3  # takes of one job; a job whose worker died this often is failed, not retried


def configure(heartbeat_seconds, enqueue, queued_seconds=600):
    """Set once by create_app (tasks.configure): the timeouts and the task that hands a job's id
    to the queue."""
    _heartbeat_timeout["seconds"] = int(heartbeat_seconds)
    _queued_timeout["seconds"] = int(queued_seconds)
    _queue["enqueue"] = enqueue


def _limits():
    now = utcnow()
    return (
        now - timedelta(seconds=_heartbeat_timeout["seconds"]),
        now - timedelta(seconds=_queued_timeout["seconds"]),
    )


def _stale(job):
    """Running with no heartbeat for JOB_HEARTBEAT_SECONDS (its worker died), or queued longer
    than JOB_QUEUED_SECONDS since it was sent (its message lost: a Redis restarted empty)."""
    running_limit, queued_limit = _limits()
    if job.state == "running":
        return (job.heartbeat_at or job.started_at or running_limit) < running_limit
    if job.state == "queued":
        return (job.heartbeat_at or job.created_at or queued_limit) < queued_limit
    return False


DIED = "Przerwane: proces budujący plik przestał odpowiadać (np. został zatrzymany). Zleć ponownie."
NEVER_TAKEN = (
    "Przerwane: zadanie nie zostało podjęte przez żaden proces w wyznaczonym czasie (np. kolejka "
    "została wyczyszczona). Zleć ponownie."
)


def _stale_reason(job):
    return DIED if job.state == "running" else NEVER_TAKEN


def _recover(job):
    """A stale job: running (its worker died) → queued again and re-sent while it has attempts
    left, else failed; queued (its message lost) → failed, so that asking again starts anew."""
    if job.state == "running" and job.attempt < MAX_ATTEMPTS:
        _requeue(job.id, job.attempt)
    else:
        _end(job.id, "failed", _stale_reason(job), states=(job.state,), attempt=job.attempt)


def _requeue(job_id, attempt):
    """Put a running job back in the queue (its file so far deleted) and send it again; the
    attempt that ran it stops at its next progress report. False when it had moved meanwhile."""
    with write_tx():
        moved = (
            Job.update(
                state="queued", done=0, total=0, started_at=None, heartbeat_at=utcnow(), worker=""
            )
            .where(_mine(job_id, attempt))
            .execute()
        )
        if moved:
            JobChunk.delete().where(JobChunk.job == job_id).execute()
    if moved:
        try:
            _send(job_id)
        except QueueUnavailable:
            pass  # failed with the queue's message
    return bool(moved)


def hand_back(worker):
    """The jobs `worker` (a consumer being stopped: a deploy, systemctl stop) is running, queued
    again for another consumer; returns how many."""
    running = Job.select(Job.id, Job.attempt).where(
        (Job.state == "running") & (Job.worker == worker)
    )
    return sum(_requeue(job.id, job.attempt) for job in running)


def recover_stale():
    """Every stale job (see _stale) retried or failed, without anyone looking (housekeeping).
    Returns how many."""
    running_limit, queued_limit = _limits()
    stale = Job.select().where(
        ((Job.state == "running") & (Job.heartbeat_at < running_limit))
        | ((Job.state == "queued") & (fn.COALESCE(Job.heartbeat_at, Job.created_at) < queued_limit))
    )
    jobs = list(stale)
    for job in jobs:
        _recover(job)
    return len(jobs)


def check(job):
    """The job as it is now, retried or failed first if it went stale (the job's page calls
    this)."""
    if _stale(job):
        _recover(job)
        return Job.get_by_id(job.id)
    return job


def expire(days):
    """Finished jobs older than `days`: their files deleted, the row kept as "expired" (the
    list says what was built). Returns how many."""
    limit = utcnow() - timedelta(days=days)
    old = Job.select(Job.id).where(
        Job.state.in_(("done", "failed", "cancelled")) & (Job.finished_at < limit)
    )
    return sum(_end(job.id, "expired", states=("done", "failed", "cancelled")) for job in old)


# ---------- reading ----------


def get(job_id):
    return Job.get_or_none(Job.id == job_id)


def recent(limit=50):
    """The latest listed jobs, newest first, with who asked (one query)."""
    unlisted = [name for name, kind in KINDS.items() if not kind.listed]
    return list(
        Job.select(Job, User)
        .join(User, JOIN.LEFT_OUTER, on=Job.requested_by == User.id)
        .where(Job.kind.not_in(unlisted))
        .order_by(Job.id.desc())
        .limit(limit)
    )


def timing(job):
    """(elapsed seconds, estimated seconds left or None)."""
    if job.started_at is None:
        return 0, None
    elapsed = ((job.finished_at or utcnow()) - job.started_at).total_seconds()
    if job.state != "running" or not job.done or not job.total:
        return elapsed, None
    return elapsed, elapsed / job.done * (job.total - job.done)


def open_result(job, actor, address=""):
    """The chunks of a finished job's file, as a generator (one chunk in memory at a time, no
    database writes while it runs). The download is audited here, once, before streaming."""
    if job.personal:
        audit.record(
            "job_download",
            actor=actor,
            subject=f"job:{job.id}",
            address=address,
            details=label(job),
        )
    numbers = [
        n for (n,) in JobChunk.select(JobChunk.number).where(JobChunk.job == job.id).tuples()
    ]
    personal = job.personal

    def chunks():
        # runs after the request has ended (and given its connection back): each chunk is read
        # on a connection taken from the pool and returned at once
        for number in sorted(numbers):
            opened = db.is_closed()
            if opened:
                db.connect()
            try:
                row = JobChunk.get((JobChunk.job == job.id) & (JobChunk.number == number))
            finally:
                if opened:
                    release()
            yield crypto.decrypt_bytes(row.data) if personal else bytes(row.data)

    return chunks()


def reencrypt(batch=20):
    """Re-encrypt the stored files of personal jobs with the newest key (key rotation), in small
    transactions, each re-reading and rewriting only the chunks it read. Returns chunks done."""
    count, last = 0, 0
    while True:
        with write_tx():
            rows = list(
                JobChunk.select(JobChunk.id, JobChunk.data)
                .join(Job)
                .where(Job.personal & (JobChunk.id > last))
                .order_by(JobChunk.id)
                .limit(batch)
            )
            for row in rows:
                JobChunk.update(data=crypto.rotate_bytes(row.data)).where(
                    JobChunk.id == row.id
                ).execute()
        if not rows:
            return count
        count += len(rows)
        last = rows[-1].id


def erase_for(user_id):
    """A participant's data erased: finished personal files may print it; delete them all (a
    coordinator builds them again when needed)."""
    personal = Job.select(Job.id).where(Job.personal & (Job.state == "done"))
    for job in personal:
        _end(job.id, "expired", states=("done",))
