"""A real huey consumer (`flask --app app worker`) in its own process builds the jobs the app
starts: on SQLite's queue file and on Redis; a worker stopped mid-job hands it back, a killed one's
job is retried by the next worker, which removes what the killed one left; periodic tasks are
enqueued once however many workers run (on the test's database: SQLite, or PostgreSQL)."""

import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

import tasks
from app import create_app
from models.jobs import Job, JobChunk
from tests.conftest import login, make_jst
from tests.servers import server_env

ROOT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/7"
REDIS_11 = "redis://127.0.0.1:6379/11"


@contextmanager
def consumer(app, log):
    """`flask --app app worker` on the app's database and queue."""
    env = server_env(
        app,
        QUEUE_URL=app.config["QUEUE_URL"],
        QUEUE_NAME=app.config["QUEUE_NAME"],
        JOB_HEARTBEAT_SECONDS=app.config["JOB_HEARTBEAT_SECONDS"],
    )
    flask = Path(sys.executable).parent / "flask"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(flask), "--app", "app", "worker", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=20)


def _wait(job_id, until, log):
    """The job once `until(job)` holds (the consumer is another process: poll)."""
    deadline = time.monotonic() + 120
    while True:
        job = Job.get_by_id(job_id)
        if until(job):
            return job
        if time.monotonic() > deadline:
            pytest.fail(
                f"job {job_id} is {job.state} ({job.error}); worker log:\n{Path(log).read_text()}"
            )
        time.sleep(0.05)


@pytest.fixture(params=["sqlite", "redis"])
def queued_app(request, app_config, tmp_path):
    url = f"sqlite:///{tmp_path}/queue.sqlite3" if request.param == "sqlite" else REDIS
    name = f"planjst-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    app = create_app(dict(app_config, QUEUE_URL=url, QUEUE_IMMEDIATE=False, QUEUE_NAME=name))
    yield app
    tasks.huey.storage.flush_all()  # this test's keys only (its queue's name)


def test_a_real_consumer_builds_the_batch(queued_app, world, tmp_path):
    client = queued_app.test_client()
    login(client, world.coordinator)
    with consumer(queued_app, tmp_path / "worker.log"):
        response = client.post("/zadania-w-tle/dokumenty/deklaracja/zip")
        assert response.status_code == 303
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        _wait(job_id, lambda job: job.state == "done", tmp_path / "worker.log")
    page = client.get(f"/zadania-w-tle/{job_id}").get_data(as_text=True)
    assert "Gotowe: 2 z 2" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/zadania-w-tle/{job_id}/plik").data))
    assert sorted(archive.namelist()) == [
        "deklaracja-gmina-obca.docx",
        "deklaracja-gmina-wlasna.docx",
        "spis.csv",
    ]


def _until(condition, log):
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened; worker log:\n{Path(log).read_text()}")
        time.sleep(0.05)


def _halfway_app(app_config, tmp_path, **config):
    """An app on a file queue with a batch big enough to be stopped halfway."""
    app = create_app(
        dict(
            app_config,
            QUEUE_URL=f"sqlite:///{tmp_path}/queue.sqlite3",
            QUEUE_IMMEDIATE=False,
            **config,
        )
    )
    for n in range(600):  # the fast builder renders some hundred documents a second
        make_jst(f"Gmina Seryjna {n}")
    return app


def _page(client, job_id):
    return client.get(f"/zadania-w-tle/{job_id}").get_data(as_text=True)


def _assert_whole(client, job_id):
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/zadania-w-tle/{job_id}/plik").data))
    assert len(archive.namelist()) == 602 + 1  # every declaration and spis.csv


def test_a_worker_stopped_by_sigterm_hands_its_job_to_the_next_worker(app_config, world, tmp_path):
    app = _halfway_app(app_config, tmp_path)
    client = app.test_client()
    login(client, world.coordinator)
    log = tmp_path / "worker.log"
    with consumer(app, log) as proc:
        response = client.post("/zadania-w-tle/dokumenty/deklaracja/zip")
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        _wait(job_id, lambda job: job.state == "running" and 0 < job.done < job.total, log)
        proc.send_signal(signal.SIGTERM)  # a deploy: systemctl stop
        assert proc.wait(timeout=30) == 0
    assert "w kolejce" in _page(client, job_id)  # handed back at once, not "w toku" for minutes
    assert not JobChunk.select().where(JobChunk.job == job_id).exists()
    with consumer(app, tmp_path / "next.log"):
        _wait(job_id, lambda job: job.state == "done", tmp_path / "next.log")
    assert "Gotowe: 602 z 602" in _page(client, job_id)
    _assert_whole(client, job_id)


def test_a_killed_workers_job_is_retried_by_another_and_its_leftovers_go(
    app_config, world, tmp_path
):
    app = _halfway_app(app_config, tmp_path, JOB_HEARTBEAT_SECONDS=2)
    client = app.test_client()
    login(client, world.coordinator)
    log = tmp_path / "worker.log"
    with consumer(app, log) as proc:
        response = client.post("/zadania-w-tle/dokumenty/deklaracja/zip")
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        _wait(job_id, lambda job: job.state == "running" and 0 < job.done < job.total, log)
        # what a conversion of the killed worker leaves: LibreOffice in its own process group
        # (a stand-in named by the worker's profile) and a work directory
        profile = Path(tempfile.gettempdir()) / f"planjst-lo-{proc.pid}"
        soffice = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(300)", f"-env:{profile.as_uri()}"],
            start_new_session=True,
        )
        work = Path(tempfile.mkdtemp(prefix=f"planjst-pdf-{proc.pid}-"))
        (work / "dokument.docx").write_bytes(b"half")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    job = Job.get_by_id(job_id)
    assert job.state == "running" and job.done < job.total  # killed halfway
    next_log = tmp_path / "next.log"
    with consumer(app, next_log):
        assert soffice.wait(timeout=30) == -signal.SIGKILL  # gone with its worker
        _until(lambda: not work.exists(), next_log)
        # the job's page (it refreshes itself) finds the worker silent and hands the job over
        _wait(job_id, lambda job: "gotowe" in _page(client, job_id), next_log)
    assert Job.get_by_id(job_id).attempt == 2
    _assert_whole(client, job_id)


def test_periodic_tasks_are_enqueued_once_whatever_the_number_of_workers(app_config):
    name = f"planjst-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    app = create_app(
        dict(app_config, QUEUE_URL=REDIS_11, QUEUE_IMMEDIATE=False, QUEUE_NAME=name, WORKER_NICE=0)
    )
    assert app.config["QUEUE_NAME"] == name
    try:
        workers = [tasks.consumer(workers=1), tasks.consumer(workers=1)]  # two servers' workers
        minute = datetime(2026, 12, 7, 6, 0, 30)  # housekeeping, mail, survey answers are due
        for worker in workers:
            scheduler = worker.scheduler_class(tasks.huey, worker.stop_flag, 1, True)
            scheduler.enqueue_periodic_tasks(minute)
        assert tasks.huey.pending_count() == 3
    finally:
        tasks.huey.storage.flush_all()
