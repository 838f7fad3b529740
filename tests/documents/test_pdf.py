"""PDF of the documents: LibreOffice headless, single downloads next to every .docx, a batch of
PDFs; read back with pdftotext. What happens without LibreOffice, with a document that hangs and
with a cancelled batch is shown with a stand-in soffice (a shell script)."""

import csv
import io
import os
import select
import shutil
import subprocess
import zipfile
from datetime import date

import pytest

from lib import pdf
from models import AuditLog
from models.plans import Plan
from models.programme import BestPlan, Module
from models.surveys import Certificate
from services import documents, plans, programme
from services.documents import batches
from tests.conftest import login
from tests.documents.conftest import _add_school, _ore_settings, _participant_data

LIBREOFFICE = pytest.mark.skipif(
    not shutil.which("soffice") and not os.environ.get("PLANJST_REQUIRE_BROWSER"),
    reason="LibreOffice (libreoffice-writer-nogui) is not installed",
)


def _first_page(data, tmp_path):
    path = tmp_path / "odczyt.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(done.stdout.split())  # words, however the lines were broken


def _pdf(response, name):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert f"filename={name}" in response.headers["Content-Disposition"]
    return response.data


@LIBREOFFICE
def test_single_documents_download_as_pdf_with_the_jst_on_page_one(client, world, tmp_path):
    _ore_settings()
    _add_school(world.jst, world.participant)
    _participant_data(world.participant)
    login(client, world.coordinator)
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    for url in (
        f"/jst/{world.jst.id}/dokumenty/deklaracja.pdf",
        f"/jst/{world.jst.id}/dokumenty/plan.pdf",
        f"/dokumenty/oswiadczenie/{world.participant.id}.pdf",
    ):
        assert f'href="{url}"' in page
    data = _pdf(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.pdf"), "deklaracja-")
    text = _first_page(data, tmp_path)
    assert "Gmina Własna" in text and "Porozumienie o współpracy" in text
    assert "WERSJA ROBOCZA" not in text
    data = _pdf(client.get(f"/jst/{world.jst.id}/dokumenty/plan.pdf"), "plan-gmina-wlasna.pdf")
    text = _first_page(data, tmp_path)
    assert "Gmina Własna" in text and "WERSJA ROBOCZA" in text  # the plan is a draft
    data = _pdf(client.get(f"/dokumenty/oswiadczenie/{world.participant.id}.pdf"), "oswiadczenie-")
    text = _first_page(data, tmp_path)
    assert "Ewa Dokumentowa" in text and "Gmina Własna" in text
    entry = AuditLog.get(AuditLog.action == "document_download")
    assert entry.subject == f"user:{world.participant.id}" and "PDF" in entry.details


@LIBREOFFICE
def test_attendance_list_and_certificate_download_as_pdf(client, world, tmp_path):
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    programme.save_groups({world.jst.id: 1, world.other_jst.id: 2})
    certificate = Certificate.create(
        user=world.participant,
        number="ZAS/2017/0007",
        code="A" * 32,
        full_name="Anna Zaświadczona",
        programme="Pilotaż programu",
        issued_on=date(2017, 11, 17),
    )
    login(client, world.coordinator)
    response = client.get(f"/moduly/{module.id}/obecnosc/1.pdf")
    text = _first_page(_pdf(response, "lista-obecnosci-modul-1-grupa-1.pdf"), tmp_path)
    assert world.participant.full_name in text and "Gmina Własna" in text
    response = client.get(f"/zaswiadczenia/{certificate.id}.pdf")
    text = _first_page(_pdf(response, "zaswiadczenie-"), tmp_path)
    assert "Anna Zaświadczona" in text and "ZAS/2017/0007" in text
    own = client.application.test_client()
    login(own, world.participant)
    text = _first_page(_pdf(own.get("/moje-zaswiadczenie.pdf"), "zaswiadczenie-"), tmp_path)
    assert "Anna Zaświadczona" in text


@LIBREOFFICE
def test_a_batch_of_pdfs_holds_each_document_and_an_index(app, world, tmp_path):
    items = documents.batch("deklaracja")
    seen = []
    built = batches.build_pdf_batch(
        "deklaracja", items, tmp_path / "pdf.zip", lambda d, t: seen.append((d, t))
    )
    archive = zipfile.ZipFile(built.path)
    names = [name.removesuffix(".docx") + ".pdf" for name, _c, _m in items]
    assert archive.namelist() == names + ["spis.csv"] and built.documents == 2
    for name, jst in zip(names, ("Gmina Obca", "Gmina Własna"), strict=True):
        assert jst in _first_page(archive.read(name), tmp_path)
    rows = list(
        csv.reader(io.StringIO(archive.read("spis.csv").decode().lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][-1] == "pdf" and [r[-1] for r in rows[1:]] == ["tak", "tak"]
    assert seen[-1] == (2, 2)


@LIBREOFFICE
def test_a_merged_batch_prints_each_document_from_page_1_with_its_own_mark(app, world, tmp_path):
    _ore_settings()
    _add_school(world.jst, world.participant)  # Gmina Własna is complete, Gmina Obca is not
    built = batches.build_merged("deklaracja", documents.batch("deklaracja"), tmp_path / "m.docx")
    (result,) = pdf.convert_files([built.path], tmp_path / "pdf")
    pages = [
        " ".join(page.split())
        for page in subprocess.run(
            ["pdftotext", str(result), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")[:-1]
    ]
    starts = [i for i, page in enumerate(pages) if "Porozumienie o współpracy" in page]
    assert len(starts) == 2 and starts[0] == 0
    obca, wlasna = pages[: starts[1]], pages[starts[1] :]
    assert "Gmina Obca" in obca[0] and "Gmina Własna" in wlasna[0]
    assert all("WERSJA ROBOCZA" in page for page in obca)
    assert not any("WERSJA ROBOCZA" in page for page in wlasna)


def test_the_jst_documents_page_and_the_best_plans_offer_pdfs(app, client, world):
    _participant_data(world.participant)
    login(client, world.participant)
    page = client.get(f"/jst/{world.jst.id}/dokumenty").get_data(as_text=True)
    assert 'href="/moje-dane/oswiadczenie.pdf"' in page
    Plan.update(status="accepted").where(Plan.id == plans.get_plan(world.jst).id).execute()
    BestPlan.create(jst=world.jst)
    coordinator = app.test_client()
    login(coordinator, world.coordinator)
    page = coordinator.get("/po-pilotazu").get_data(as_text=True)
    assert f'href="/jst/{world.jst.id}/dokumenty/plan.pdf"' in page
    assert page.count("plan (PDF)") == 1  # the best plan only


def test_without_libreoffice_a_pdf_is_a_polish_message(client, world, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    login(client, world.coordinator)
    response = client.get(f"/jst/{world.jst.id}/dokumenty/plan.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Nie udało się utworzyć PDF" in page and "nie zainstalowano LibreOffice" in page
    assert "apt-get install libreoffice-writer-nogui" in page
    with pytest.raises(pdf.PdfUnavailable, match="nie zainstalowano LibreOffice"):
        batches.build_pdf_batch("plan", documents.batch("plan"), tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
    assert client.get(f"/jst/{world.jst.id}/dokumenty/plan.docx").status_code == 200


# a stand-in for soffice: writes "<stem>.pdf" for each document, hangs on one named *hang* (or
# on every one when a file "hang" lies beside it; its child, a sleep, is the process that must
# be killed with it), and on *stop* it first writes the PDF then hangs
FAKE_SOFFICE = """#!/bin/sh
out=.
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift 2 ;;
    *.docx)
      name=$(basename "$1" .docx); shift
      case "$name" in *stop*) printf '%%PDF-1.4 fake' > "$out/$name.pdf" ;; esac
      if [ -e "$(dirname "$0")/hang" ]; then name="$name-hang"; fi
      case "$name" in *hang*|*stop*) sleep 600 & echo $! > "$out/../sleeper"; wait; exit 1 ;; esac
      printf '%%PDF-1.4 fake' > "$out/$name.pdf" ;;
    *) shift ;;
  esac
done
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    path = tmp_path / "bin" / "soffice"
    path.parent.mkdir()
    path.write_text(FAKE_SOFFICE)
    path.chmod(0o755)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: str(path))
    return path


def _sources(tmp_path, *stems):
    paths = []
    for stem in stems:
        paths.append(tmp_path / f"{stem}.docx")
        paths[-1].write_bytes(b"docx")
    return paths


def _killed(tmp_path):
    """Whether the stand-in's sleep was killed (waits for it to end, at most 10 s)."""
    pid = int((tmp_path / "sleeper").read_text())
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], 10)[0])
    finally:
        os.close(handle)


def test_a_document_past_its_time_limit_is_killed_and_the_rest_converted(fake_soffice, tmp_path):
    sources = _sources(tmp_path, "a", "b-hang", "c", "d")
    results = pdf.convert_files(sources, tmp_path / "pdf", per_document=0.5, startup=0)
    assert [r.name if r else None for r in results] == ["a.pdf", None, "c.pdf", "d.pdf"]
    assert _killed(tmp_path)


def test_a_single_pdf_past_its_time_limit_is_a_polish_message(fake_soffice, tmp_path):
    (fake_soffice.parent / "hang").touch()  # every document hangs
    with pytest.raises(pdf.PdfError, match=r"przekroczony czas 1 s\)\. Proszę pobrać plik .docx"):
        pdf.convert(b"docx", per_document=0.5, startup=0.5)


def test_a_cancelled_conversion_kills_libreoffice(fake_soffice, tmp_path):
    sources = _sources(tmp_path, "a", "b-stop", "c")
    seen = []

    class Cancelled(Exception):
        pass

    def progress(done, total):
        seen.append(done)
        if done == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        pdf.convert_files(sources, tmp_path / "pdf", progress)
    assert seen[-1] == 2 and _killed(tmp_path)
