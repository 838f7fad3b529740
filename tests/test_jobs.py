"""Background jobs (issue 16) over HTTP, with the queue in immediate mode: the life cycle
(queued → running with progress → done / failed / cancelled / expired), the same batch asked
twice, the file encrypted at rest and deleted after 7 days, the queue down, the audit."""

import csv
import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from cryptography.fernet import Fernet

import tasks
from app import create_app
from lib import crypto
from models import AuditLog, db, utcnow
from models.jobs import Job, JobChunk
from models.mail import OutboxMessage
from services import jobs, mail, participants
from tests.batches import job_file, start
from tests.conftest import PII_KEY, login, make_user
from tests.documents.conftest import _participant_data, _text


@pytest.fixture
def coordinator(client, world):
    login(client, world.coordinator)
    return world.coordinator


@pytest.fixture
def test_kind():
    """A job kind whose builder runs the test's own steps (a list of callables, each yielding
    bytes or doing something between progress reports)."""
    steps = []

    def build(ctx):
        for done, step in enumerate(steps, 1):
            data = step(ctx)
            if data:
                yield data
            ctx.progress(done, len(steps))

    jobs.register(
        "test.steps",
        jobs.JobKind(
            label=lambda p: "Zadanie próbne",
            build=build,
            filename=lambda p: "proba.bin",
            mimetype="application/octet-stream",
        ),
    )
    yield steps
    jobs.KINDS.pop("test.steps")


def _queued(actor, kind="test.steps", params=None):
    return jobs.start(kind, params or {}, actor, lambda job_id: None)


def test_declarations_zip_holds_the_single_documents_and_the_missing_index(client, world):
    _participant_data(world.participant)
    _participant_data(world.teammate, first_name="Jan", last_name="Drugi", pesel="")
    login(client, world.coordinator)
    job_id, page = start(client, "/zadania-w-tle/dokumenty/oswiadczenie/zip")
    assert 'Stan: <span data-job="state_label">gotowe</span>' in page
    assert "Gotowe: 4 z 4" in page and "kB)" in page
    assert "Dokumenty z brakami (3)" in page and "PESEL" in page  # Jan Drugi has no PESEL
    assert '<meta http-equiv="refresh"' not in page  # done: no more refreshing
    response = client.get(f"/zadania-w-tle/{job_id}/plik")
    assert response.headers["Cache-Control"] == "no-store"
    assert "filename=oswiadczenie.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    single = _text(client.get(f"/dokumenty/oswiadczenie/{world.participant.id}.docx").data)
    ours = [n for n in archive.namelist() if n.startswith("oswiadczenie-gmina-wlasna-")]
    texts = [_text(archive.read(name)) for name in ours]
    assert single in texts  # the batch prints what the single download prints
    index = archive.read("spis.csv").decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(index), delimiter=";"))
    assert len(rows) == 5 and sum(r[2] == "tak" for r in rows[1:]) == 1


def test_a_batch_is_audited_once_and_each_download_once(client, world):
    for n, member in enumerate((world.participant, world.teammate)):
        _participant_data(member, pesel="", no_pesel=True, email=f"p{n}@example.org")
    login(client, world.coordinator)
    before = AuditLog.select().count()
    job_id, _page = start(client, "/zadania-w-tle/dokumenty/oswiadczenie/zip")
    rows = list(AuditLog.select().where(AuditLog.id > before).order_by(AuditLog.id))
    assert [r.action for r in rows] == ["documents_batch"]  # no row per person
    assert rows[0].details == "oswiadczenie: 4"
    client.get(f"/zadania-w-tle/{job_id}/plik").close()
    downloads = AuditLog.select().where(AuditLog.action == "job_download")
    assert [(r.subject, r.actor_id) for r in downloads] == [(f"job:{job_id}", world.coordinator.id)]


def test_the_stored_file_is_encrypted_and_holds_no_pesel(client, world):
    _participant_data(world.participant)
    pesel = participants.read(world.participant, world.participant)["pesel"]
    login(client, world.coordinator)
    response = job_file(client, "/zadania-w-tle/uczestnicy")  # XLSX: PESEL in a cell
    assert pesel in _cells(response.data)
    chunks = list(JobChunk.select())
    assert chunks and all(crypto.is_token(c.data) for c in chunks)
    assert all(pesel.encode() not in bytes(c.data) for c in chunks)
    assert b"".join(crypto.decrypt_bytes(c.data) for c in chunks) == response.data


def _cells(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return {cell.value for row in sheet.iter_rows() for cell in row}


def test_a_file_larger_than_a_chunk_streams_back_whole(client, coordinator, test_kind):
    blob = bytes(range(256)) * (jobs.CHUNK_BYTES // 256 * 2 + 7)  # two chunks and a bit
    test_kind += [lambda ctx: blob[: len(blob) // 2], lambda ctx: blob[len(blob) // 2 :]]
    job = _queued(coordinator)
    jobs.run(job.id)
    assert JobChunk.select().where(JobChunk.job == job.id).count() == 3
    response = client.get(f"/zadania-w-tle/{job.id}/plik")
    assert response.is_streamed and response.headers["Content-Length"] == str(len(blob))
    assert response.data == blob


def test_queued_then_running_with_progress_then_done(client, coordinator, test_kind, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)
    seen = []
    test_kind += [
        lambda ctx: b"a",
        lambda ctx: seen.append(client.get(f"/zadania-w-tle/{ctx.job_id}").get_data(as_text=True)),
        lambda ctx: b"b",
    ]
    job = _queued(coordinator)
    page = client.get(f"/zadania-w-tle/{job.id}").get_data(as_text=True)
    assert "w kolejce" in page and "Czeka w kolejce" in page
    assert '<meta http-equiv="refresh" content="2">' in page and "js/jobs.js" in page
    assert 'aria-live="polite"' in page and "Anuluj zadanie" in page
    jobs.run(job.id)
    running = seen[0]
    assert "w toku" in running and 'Gotowe dokumenty: <span data-job="done">1</span>' in running
    assert '<progress class="w-100" id="job-progress" max="3" value="1">' in running
    assert "pozostało około" in running
    status = client.get(f"/zadania-w-tle/{job.id}/stan").get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 3
    assert client.get(f"/zadania-w-tle/{job.id}/plik").data == b"ab"


def test_the_same_batch_asked_twice_while_it_runs_gives_the_running_one(
    client, coordinator, monkeypatch
):
    monkeypatch.setattr(tasks.huey, "immediate", False)  # queued for a worker nobody runs
    first, _page = start(client, "/zadania-w-tle/dokumenty/plan/zip")
    second, _page = start(client, "/zadania-w-tle/dokumenty/plan/zip")
    other, _page = start(client, "/zadania-w-tle/dokumenty/plan/zip", {"grupa": "1"})
    assert first == second != other
    client.post(f"/zadania-w-tle/{first}/anuluj")
    third, _page = start(client, "/zadania-w-tle/dokumenty/plan/zip")
    assert third not in (first, other)


def test_cancel_stops_the_job_and_keeps_no_file(client, coordinator, test_kind, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)
    after = []
    test_kind += [
        lambda ctx: b"x" * (jobs.CHUNK_BYTES + 10),  # one chunk stored already
        lambda ctx: client.post(f"/zadania-w-tle/{ctx.job_id}/anuluj").close(),
        lambda ctx: after.append("built on after the cancel"),
    ]
    job = _queued(coordinator)
    jobs.run(job.id)
    assert not after
    assert Job.get_by_id(job.id).state == "cancelled"
    assert not JobChunk.select().where(JobChunk.job == job.id).exists()
    page = client.get(f"/zadania-w-tle/{job.id}").get_data(as_text=True)
    assert "anulowano; nie zapisano żadnego pliku" in page
    assert client.get(f"/zadania-w-tle/{job.id}/plik").status_code == 404
    response = client.post(f"/zadania-w-tle/{job.id}/anuluj", follow_redirects=True)
    assert "Zadanie już się zakończyło." in response.get_data(as_text=True)


def test_a_job_cancelled_while_queued_never_runs(coordinator, test_kind):
    ran = []
    test_kind.append(lambda ctx: ran.append(1))
    job = _queued(coordinator)
    jobs.cancel(job)
    jobs.run(job.id)
    assert not ran and Job.get_by_id(job.id).state == "cancelled"


def test_a_job_is_run_once_even_when_two_consumers_get_it(coordinator, test_kind):
    ran = []
    test_kind.append(lambda ctx: ran.append(1))
    job = _queued(coordinator)
    jobs.run(job.id)
    jobs.run(job.id)  # a second consumer: the job is no longer queued
    assert ran == [1]


def test_failures_say_in_polish_what_failed(client, coordinator, test_kind):
    def broken(ctx):
        raise ZeroDivisionError()

    test_kind.append(broken)
    job = _queued(coordinator)
    jobs.run(job.id)
    page = client.get(f"/zadania-w-tle/{job.id}").get_data(as_text=True)
    assert "nieudane" in page and "wystąpił nieoczekiwany błąd" in page
    _job, page = start(client, "/zadania-w-tle/zaswiadczenia")
    assert "Nie wystawiono jeszcze żadnego zaświadczenia." in page


def test_a_job_whose_worker_died_is_retried_then_failed_and_keeps_no_half_file(
    client, coordinator, test_kind
):
    test_kind.append(lambda ctx: b"whole")
    job = _queued(coordinator)
    long_ago = utcnow() - timedelta(minutes=10)
    Job.update(state="running", started_at=long_ago, heartbeat_at=long_ago, attempt=1).where(
        Job.id == job.id
    ).execute()
    JobChunk.create(job=job.id, number=0, data=crypto.encrypt_bytes(b"half"))
    page = client.get(f"/zadania-w-tle/{job.id}").get_data(as_text=True)
    assert "gotowe" in page  # taken again (immediate mode: at once) and built whole
    assert client.get(f"/zadania-w-tle/{job.id}/plik").data == b"whole"
    worn = _queued(coordinator, params={"n": 2})
    Job.update(
        state="running", started_at=long_ago, heartbeat_at=long_ago, attempt=jobs.MAX_ATTEMPTS
    ).where(Job.id == worn.id).execute()
    JobChunk.create(job=worn.id, number=0, data=crypto.encrypt_bytes(b"half"))
    tasks.housekeeping()  # the periodic check, without anyone looking
    page = client.get(f"/zadania-w-tle/{worn.id}").get_data(as_text=True)
    assert "nieudane" in page and "przestał odpowiadać" in page
    assert not JobChunk.select().where(JobChunk.job == worn.id).exists()


def test_files_are_deleted_after_seven_days(client, coordinator, test_kind):
    test_kind.append(lambda ctx: b"data")
    old, recent = _queued(coordinator), _queued(coordinator, params={"n": 2})
    jobs.run(old.id)
    jobs.run(recent.id)
    Job.update(finished_at=utcnow() - timedelta(days=7, minutes=1)).where(
        Job.id == old.id
    ).execute()
    tasks.housekeeping()
    assert Job.get_by_id(old.id).state == "expired"
    assert Job.get_by_id(recent.id).state == "done"
    assert not JobChunk.select().where(JobChunk.job == old.id).exists()
    assert client.get(f"/zadania-w-tle/{old.id}/plik").status_code == 404
    page = client.get(f"/zadania-w-tle/{old.id}").get_data(as_text=True)
    assert "wygasłe" in page and "usunięto po 7 dniach" in page
    assert client.get(f"/zadania-w-tle/{recent.id}/plik").data == b"data"


def test_other_coordinators_see_the_job_and_nobody_else(client, world):
    login(client, world.coordinator)
    job_id, _page = start(client, "/zadania-w-tle/dokumenty/deklaracja/zip")
    other = client.application.test_client()
    login(other, make_user("coordinator"))
    page = other.get("/zadania-w-tle").get_data(as_text=True)
    assert "ZIP: Deklaracja współpracy między JST a ORE" in page
    assert world.coordinator.full_name in page
    assert other.get(f"/zadania-w-tle/{job_id}/plik").status_code == 200
    for user in (world.participant, world.expert, world.admin):
        app_client = client.application.test_client()
        login(app_client, user)
        for path in ("", "/plik", "/stan"):
            assert app_client.get(f"/zadania-w-tle/{job_id}{path}").status_code == 404
        assert app_client.get("/zadania-w-tle").status_code == 404


def test_the_queue_down_gives_a_polish_message(app_config, world):
    down = create_app(dict(app_config, QUEUE_URL="redis://127.0.0.1:9/0", QUEUE_IMMEDIATE=False))
    client = down.test_client()
    login(client, world.coordinator)
    response = client.post("/zadania-w-tle/dokumenty/plan/zip", follow_redirects=True)
    assert response.status_code == 200
    assert "kolejka zadań jest chwilowo niedostępna" in response.get_data(as_text=True)
    assert Job.get().state == "failed"


def test_key_rotation_and_erasure_reach_stored_files(client, world):
    _participant_data(world.participant)
    login(client, world.coordinator)
    job_id, _page = start(client, "/zadania-w-tle/dokumenty/oswiadczenie/zip")
    data = client.get(f"/zadania-w-tle/{job_id}/plik").data
    new = Fernet.generate_key().decode()
    crypto.configure(f"{new},{PII_KEY}")
    try:
        assert jobs.reencrypt() == JobChunk.select().count() > 0
        crypto.configure(new)  # the old key is gone: the file still opens
        assert client.get(f"/zadania-w-tle/{job_id}/plik").data == data
    finally:
        crypto.configure(PII_KEY)
    crypto.configure(f"{new},{PII_KEY}")
    try:
        participants.erase(world.participant, world.coordinator)
    finally:
        crypto.configure(PII_KEY)
    assert Job.get_by_id(job_id).state == "expired"
    assert not JobChunk.select().exists()


def test_the_worker_sends_the_outbox(app, monkeypatch):
    app.config["SMTP_HOST"] = "smtp.example.org"
    sent = []
    monkeypatch.setattr(mail, "smtp_sender", lambda config: sent.append)
    with app.app_context():
        mail.queue(app.config, "ktos@example.org", "Temat", "Treść")
    tasks.mail_tick()  # the periodic task (immediate mode: it runs here)
    assert [m["To"] for m in sent] == ["ktos@example.org"]
    assert OutboxMessage.get().sent_at is not None


def test_new_coordinator_pages_are_in_the_navigation(client, coordinator):
    page = client.get("/dokumenty").get_data(as_text=True)
    assert 'href="/zadania-w-tle"' in page and "Zadania w tle" in page
    assert 'action="/zadania-w-tle/dokumenty/oswiadczenie/zip"' in page


def test_the_list_is_one_query(client, coordinator, test_kind, monkeypatch):
    for n in range(5):
        _queued(coordinator, params={"n": n})
    queries = []
    original = db.obj.execute_sql
    monkeypatch.setattr(
        db.obj, "execute_sql", lambda sql, *a, **k: queries.append(sql) or original(sql, *a, **k)
    )
    assert len(jobs.recent()) == 5 and all(j.requested_by.full_name for j in jobs.recent())
    assert len(queries) == 2  # one per call of recent()


def test_a_job_whose_queue_message_was_lost_times_out_and_blocks_no_new_one(
    client, coordinator, test_kind, monkeypatch
):
    test_kind.append(lambda ctx: b"built")
    with monkeypatch.context() as lost:  # a Redis restart without persistence: nobody runs it
        lost.setattr(tasks.huey, "immediate", False)
        first, _page = start(client, "/zadania-w-tle/dokumenty/plan/zip")
    again, page = start(client, "/zadania-w-tle/dokumenty/plan/zip")
    assert again == first and "w kolejce" in page  # waiting its turn: joined
    Job.update(created_at=utcnow() - timedelta(minutes=11)).where(Job.id == first).execute()
    page = client.get(f"/zadania-w-tle/{first}").get_data(as_text=True)
    assert "nieudane" in page and "nie zostało podjęte" in page
    third, page = start(client, "/zadania-w-tle/dokumenty/plan/zip")
    assert third != first and "gotowe" in page  # the stale one blocks nothing
    lost = _queued(coordinator)
    Job.update(created_at=utcnow() - timedelta(minutes=11)).where(Job.id == lost.id).execute()
    tasks.housekeeping()  # the periodic check, without anyone looking
    assert Job.get_by_id(lost.id).state == "failed"
