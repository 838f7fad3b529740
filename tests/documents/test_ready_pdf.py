"""Issue 29.6: a single document's PDF is made by the worker, once per version of the document.
The request answers at once — a wait page (202) while the PDF is made, the PDF once it is ready —
so LibreOffice never holds a web worker. Here the queue is a real SQLite queue file (not the
tests' immediate mode) and `work()` does what the worker does: run every queued task."""

import os
import uuid

import pytest

import tasks
from app import create_app
from models import Jst
from models.documents import DocumentTemplate
from models.jobs import Job, JobChunk
from services import documents
from services.documents import ready_pdf
from tests.conftest import login
from tests.documents.conftest import _add_school, _ore_settings, _participant_data
from tests.documents.test_pdf import LIBREOFFICE, _first_page


@pytest.fixture
def queued(app, app_config, tmp_path):
    """The app with a queue no one consumes until work() (after `app`: its queue wins)."""
    name = f"planjst-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{tmp_path}/queue.sqlite3"
    yield create_app(dict(app_config, QUEUE_URL=url, QUEUE_IMMEDIATE=False, QUEUE_NAME=name))
    tasks.huey.storage.flush_all()


def work():
    """Run what waits in the queue, as the worker would; how many tasks ran."""
    ran = 0
    while (task := tasks.huey.dequeue()) is not None:
        tasks.huey.execute(task)
        ran += 1
    return ran


def _pdf_jobs():
    return list(Job.select().where(Job.kind == ready_pdf.JOB).order_by(Job.id))


def _waits(response):
    page = response.get_data(as_text=True)
    assert response.status_code == 202, page[:300]
    assert "Przygotowanie pliku PDF" in page and "Sprawdź ponownie" in page
    return page


@LIBREOFFICE
def test_the_wait_page_comes_first_then_the_pdf_converted_once(queued, world, tmp_path):
    _participant_data(world.participant)
    client = queued.test_client()
    login(client, world.participant)
    url = "/moje-dane/oswiadczenie.pdf"
    page = _waits(client.get(url))
    assert "Plik czeka w kolejce jako następny." in page
    assert 'href="/moje-dane/oswiadczenie.docx"' in page  # the .docx meanwhile
    assert "Ewa" not in page  # nothing of the document on the wait page
    for _click in range(20):  # a double click, and then some: one conversion
        _waits(client.get(url))
    assert client.get(url + "?stan=1").get_json()["state"] == "queued"
    (job,) = _pdf_jobs()
    assert job.personal  # the declaration: its file encrypted, like every personal job's
    again = f"{url}?zadanie={job.id}"  # "Sprawdź ponownie", the page's refresh
    assert f'href="{again}"' in page
    assert client.get(again + "&stan=1").get_json()["state"] == "queued"
    assert work() == 1
    response = client.get(again)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "filename=oswiadczenie-" in response.headers["Content-Disposition"]
    text = _first_page(response.data, tmp_path)
    assert "Ewa Dokumentowa" in text and "Gmina Własna" in text
    assert b"Dokumentowa" not in bytes(JobChunk.get(JobChunk.job == job.id).data)
    # asked again: the same file, nothing queued, nothing converted
    again = client.get(url)
    assert again.status_code == 200 and again.data == response.data
    assert client.get(url + "?stan=1").get_json()["state"] == "done"
    assert work() == 0 and len(_pdf_jobs()) == 1


@LIBREOFFICE
def test_a_changed_document_gets_a_new_pdf_and_the_old_one_goes(queued, world, tmp_path):
    client = queued.test_client()
    login(client, world.coordinator)
    url = f"/jst/{world.jst.id}/dokumenty/deklaracja.pdf"
    _waits(client.get(url))
    work()
    assert "Gmina Własna" in _first_page(client.get(url).data, tmp_path)
    Jst.update(name="Gmina Zmieniona").where(Jst.id == world.jst.id).execute()
    _waits(client.get(url))  # a new version: made anew
    assert work() == 1
    response = client.get(url)
    assert response.status_code == 200
    text = _first_page(response.data, tmp_path)
    assert "Gmina Zmieniona" in text and "Gmina Własna" not in text
    old, new = _pdf_jobs()
    assert (old.state, new.state) == ("expired", "done")  # the old version's file deleted
    assert not JobChunk.select().where(JobChunk.job == old.id).exists()


def test_another_jsts_document_is_404_also_once_its_pdf_is_ready(queued, world):
    coordinator = queued.test_client()
    login(coordinator, world.coordinator)
    mine = f"/jst/{world.jst.id}/dokumenty/plan.pdf"
    coordinator.get(mine)
    job = _pdf_jobs()[0]
    Job.update(state="done").where(Job.id == job.id).execute()  # as if the worker had run
    JobChunk.create(job=job.id, number=0, data=b"%PDF-stand-in")
    other = queued.test_client()
    login(other, world.other_participant)
    for url in (
        mine,
        mine + "?stan=1",
        f"{mine}?zadanie={job.id}",
        f"/dokumenty/oswiadczenie/{world.participant.id}.pdf",
    ):
        assert other.get(url).status_code == 404, url
    # the job's number with their own JST's plan: theirs is asked for, never the other's file
    _waits(other.get(f"/jst/{world.other_jst.id}/dokumenty/plan.pdf?zadanie={job.id}"))
    other_job = _pdf_jobs()[1]
    assert f'"document": "plan:{world.other_jst.id}:"' in other_job.params
    team = queued.test_client()
    login(team, world.participant)
    assert team.get(mine).data == b"%PDF-stand-in"  # the team's own JST: the ready file
    assert len(_pdf_jobs()) == 2


def test_a_failed_pdf_says_why_and_can_be_made_again(queued, world):
    client = queued.test_client()
    login(client, world.coordinator)
    url = f"/jst/{world.jst.id}/dokumenty/plan.pdf"
    client.get(url)
    (job,) = _pdf_jobs()
    Job.update(state="failed", error="LibreOffice nie przekształcił dokumentu w PDF.").where(
        Job.id == job.id
    ).execute()
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "LibreOffice nie przekształcił" in page
    assert f'href="{url}?ponownie=1"' in page
    assert client.get(url).status_code == 503  # looking again does not convert again
    _waits(client.get(url + "?ponownie=1"))
    assert [j.state for j in _pdf_jobs()] == ["failed", "queued"]


def test_each_team_member_gets_a_signing_pack_of_their_own(queued, world):
    """A member's pack holds their own declaration only: its ready file is theirs alone."""
    _ore_settings()
    _add_school(world.jst, world.participant)
    _participant_data(world.participant)
    _participant_data(world.teammate, pesel="", no_pesel=True, email="kolega@example.org")
    url = f"/jst/{world.jst.id}/dokumenty/pakiet-do-podpisu.pdf"
    for user in (world.participant, world.teammate, world.coordinator, world.participant):
        client = queued.test_client()
        login(client, user)
        page = _waits(client.get(url))
        assert ".docx" not in page  # the pack has no Word file
    documents = [job.params for job in _pdf_jobs()]
    assert len(documents) == 3 and all(job.personal for job in _pdf_jobs())
    assert f'"document": "pakiet:{world.jst.id}:{world.participant.id}"' in documents[0]
    assert f'"document": "pakiet:{world.jst.id}:"' in documents[2]


def test_a_new_template_makes_a_new_version(queued, world):
    client = queued.test_client()
    login(client, world.coordinator)
    url = f"/jst/{world.jst.id}/dokumenty/deklaracja.pdf"
    _waits(client.get(url))
    _waits(client.get(url))
    assert len(_pdf_jobs()) == 1
    DocumentTemplate.create(kind="deklaracja", data=documents.template_bytes("deklaracja"))
    _waits(client.get(url))  # the same bytes uploaded: still a template of its own
    assert len({job.key for job in _pdf_jobs()}) == 2
