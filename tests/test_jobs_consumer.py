"""A real huey consumer (`flask --app app worker`) in its own process builds the jobs the app
starts: on SQLite's queue file and on Redis; a worker killed mid-job leaves the job failed and
no file (on the test's database: SQLite, or PostgreSQL in CI's second pass)."""

import io
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

import tasks
from app import create_app
from models import utcnow
from models.jobs import Job, JobChunk
from services import jobs
from tests.conftest import login, make_jst
from tests.servers import server_env

ROOT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/7"


@contextmanager
def consumer(app, log):
    """`flask --app app worker` on the app's database and queue."""
    env = server_env(app, QUEUE_URL=app.config["QUEUE_URL"], QUEUE_NAME=app.config["QUEUE_NAME"])
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
            pytest.fail(f"job {job_id} is {job.state}; worker log:\n{Path(log).read_text()}")
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


def test_a_worker_killed_mid_job_leaves_the_job_failed_and_no_file(app_config, world, tmp_path):
    app = create_app(
        dict(
            app_config,
            QUEUE_URL=f"sqlite:///{tmp_path}/queue.sqlite3",
            QUEUE_IMMEDIATE=False,
            JOB_HEARTBEAT_SECONDS=2,
        )
    )
    for n in range(600):  # the fast builder renders some hundred documents a second
        make_jst(f"Gmina Seryjna {n}")
    client = app.test_client()
    login(client, world.coordinator)
    log = tmp_path / "worker.log"
    with consumer(app, log) as proc:
        response = client.post("/zadania-w-tle/dokumenty/deklaracja/zip")
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        _wait(job_id, lambda job: job.state == "running" and 0 < job.done < job.total, log)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    job = Job.get_by_id(job_id)
    assert job.state == "running" and job.done < job.total  # killed halfway
    assert job.heartbeat_at <= utcnow()
    _wait(job_id, lambda job: jobs.check(job).state == "failed", log)
    page = client.get(f"/zadania-w-tle/{job_id}").get_data(as_text=True)
    assert "przestał odpowiadać" in page
    assert not JobChunk.select().where(JobChunk.job == job_id).exists()
    assert client.get(f"/zadania-w-tle/{job_id}/plik").status_code == 404
