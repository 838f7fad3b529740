"""The PDF batch as a background job (issue 16): started from /dokumenty, built by the worker
(immediate mode in tests) with LibreOffice, downloaded from the job's page as a ZIP of PDFs."""

import csv
import io
import zipfile

from lib import pdf
from models.jobs import Job
from tests.batches import job_file, start
from tests.conftest import login
from tests.documents.conftest import _participant_data
from tests.documents.test_pdf import LIBREOFFICE, _first_page


@LIBREOFFICE
def test_the_pdf_batch_job_gives_a_zip_of_pdfs_with_the_jst_on_page_one(client, world, tmp_path):
    login(client, world.coordinator)
    page = client.get("/dokumenty").get_data(as_text=True)
    assert 'action="/zadania-w-tle/dokumenty/deklaracja/pdf"' in page and "ZIP plików PDF" in page
    response = job_file(client, "/zadania-w-tle/dokumenty/deklaracja/pdf")
    assert response.mimetype == "application/zip"
    assert "filename=deklaracja-pdf.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert len(names) == 2 and all(archive.read(name).startswith(b"%PDF") for name in names)
    pages = [_first_page(archive.read(name), tmp_path) for name in names]
    assert any("Gmina Własna" in text for text in pages)
    assert any("Gmina Obca" in text for text in pages)
    rows = list(
        csv.reader(io.StringIO(archive.read("spis.csv").decode().lstrip("\ufeff")), delimiter=";")
    )
    assert [row[-1] for row in rows[1:]] == ["tak", "tak"]


@LIBREOFFICE
def test_the_declarations_as_pdf_print_the_participant(client, world, tmp_path):
    _participant_data(world.participant)
    login(client, world.coordinator)
    response = job_file(client, "/zadania-w-tle/dokumenty/oswiadczenie/pdf")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    texts = [
        _first_page(archive.read(name), tmp_path)
        for name in archive.namelist()
        if name.endswith(".pdf")
    ]
    assert any("Ewa Dokumentowa" in text and "Gmina Własna" in text for text in texts)


def test_a_pdf_batch_of_nothing_says_so(client, world):
    login(client, world.coordinator)
    job_id, page = start(client, "/zadania-w-tle/dokumenty/plan/pdf", {"grupa": "4"})
    assert "Nie ma żadnego dokumentu do zbudowania" in page and "Pobierz" not in page
    assert Job.get_by_id(job_id).state == "failed"


def test_without_libreoffice_the_pdf_job_fails_with_a_polish_message(client, world, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    login(client, world.coordinator)
    _job_id, page = start(client, "/zadania-w-tle/dokumenty/plan/pdf")
    assert "nie zainstalowano LibreOffice" in page and "Pobierz" not in page
