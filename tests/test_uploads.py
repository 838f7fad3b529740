"""Every upload — the CSV import, a Word template, a task report's attachment — is limited in
size (a Polish page or message, never a 500), checked for type, and a .docx/.xlsx zip bomb is
refused before anything parses it."""

import http.client
import io
import zipfile
from datetime import date

import pytest
from docx import Document
from openpyxl import Workbook

from models.programme import Attachment, Module, Task
from services import csv_import, documents, programme
from tests.conftest import PASSWORD, login
from tests.servers import login as login_over_http
from tests.servers import server_env, servers

MB = 2**20
MULTIPART = "multipart/form-data; boundary=granica"


def _multipart(filename, data):
    """The body a browser sends for a form with one file field (built here: the test client
    would spool a large one to a temporary file it never closes)."""
    head = f'--granica\r\nContent-Disposition: form-data; name="file"; filename="{filename}"'
    return head.encode() + b"\r\n\r\n" + data + b"\r\n--granica--\r\n"


@pytest.fixture
def report(world):
    """A task report of the own JST, so attachments can be added to it."""
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    task = Task.create(module=module, title="Zadanie")
    programme.save_report(task, world.jst, "Sprawozdanie")
    return f"/jst/{world.jst.id}/zadania/{task.id}/zalaczniki"


@pytest.fixture
def upload(app, world, report):
    """upload(where, filename, data) -> response, posted by the user who may upload there."""
    paths = {
        "csv": ("/jst/import", world.coordinator),
        "template": ("/dokumenty/szablony/deklaracja", world.coordinator),
        "attachment": (report, world.participant),
    }
    clients = {}

    def post(where, filename, data, follow=True):
        path, user = paths[where]
        if where not in clients:
            clients[where] = app.test_client()
            login(clients[where], user)
        return clients[where].post(
            path, data=_multipart(filename, data), content_type=MULTIPART, follow_redirects=follow
        )

    return post


def _docx(paragraphs=("Treść",)):
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xlsx():
    book = Workbook()
    book.active.append(["Szkoła", "Uczniowie"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_members(data, members):
    """`data` (a real .docx/.xlsx) with more members added: [(name, size in zero bytes)]."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, size in members:
            with archive.open(name, "w") as member:
                for _ in range(size // MB):
                    member.write(bytes(MB))
                member.write(bytes(size % MB))
    return out.getvalue()


# ---------- size ----------


@pytest.mark.parametrize("where", ["csv", "template", "attachment"])
def test_a_body_over_the_request_limit_gets_the_polish_page(upload, where):
    response = upload(where, "duzy.docx", bytes(9 * MB), follow=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Za duży plik" in page and "Przesłany plik lub formularz jest za duży" in page


def test_the_polish_413_page_reaches_the_browser_through_a_real_server(app, world):
    """The server reads the refused body, so the client gets the page, not a reset connection."""
    body = _multipart("duzy.csv", bytes(9 * MB))
    with servers(server_env(app), count=1) as [(_proc, port)]:
        cookie = login_over_http(port, world.coordinator.email, PASSWORD)[2]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            "/jst/import",
            body,
            {"Cookie": cookie, "Content-Type": MULTIPART},
        )
        response = conn.getresponse()
        page = response.read().decode()
        conn.close()
    assert response.status == 413 and "Za duży plik" in page


@pytest.mark.parametrize(
    "where, size, message",
    [
        ("csv", 300 * 1024, "Plik jest za duży (najwyżej 256 KB)"),
        ("template", 3 * MB, "Plik jest za duży (najwyżej 2 MB)"),
        ("attachment", 6 * MB, "Plik jest za duży (najwyżej 5 MB)"),
    ],
)
def test_each_upload_has_its_own_limit_with_a_polish_message(upload, where, size, message):
    start = {"csv": b"nazwa;rodzaj\n", "template": b"PK\x03\x04", "attachment": b"%PDF"}[where]
    name = {"csv": "jst.csv", "template": "szablon.docx", "attachment": "raport.pdf"}[where]
    response = upload(where, name, start + b"x" * size)
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)
    assert not Attachment.select().exists()


def test_the_confirm_step_of_the_largest_csv_is_checked_not_refused(app, world):
    """The preview posts the file's text back, URL-encoded: 250 KB of Polish text become 540 KB,
    over Werkzeug's limit for a form's text (500 KB) were it applied. Whatever comes back is
    checked again, with the same messages as an upload."""
    client = app.test_client()
    login(client, world.coordinator)
    header = ";".join(name for name, _field in csv_import.JST_COLUMNS)
    row = "Gmina Żółć-Łęczyca Świętą;gmina wiejska;I;;;;ul. Źródlana 1;00-950;Łąkowo;wójt;Żaneta\n"
    text = header + "\n" + (row * 3000)[: 250 * 1024]
    response = client.post("/jst/import", data={"content": text})
    assert response.status_code == 422 and "Plik zawiera błędy" in response.get_data(as_text=True)
    response = client.post("/jst/import", data={"content": "nazwa;rodzaj\nGmina;gmina wiejska"})
    assert response.status_code == 422 and "Brak kolumn" in response.get_data(as_text=True)


# ---------- type ----------


@pytest.mark.parametrize(
    "where, filename, data, message",
    [
        ("csv", "jst.csv", _xlsx(), "To nie jest plik CSV"),
        ("csv", "jst.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "To nie jest plik CSV"),
        ("template", "szablon.docx", b"%PDF-1.4 to nie docx", "uszkodzone archiwum"),
        ("template", "szablon.docx", _xlsx(), "To nie jest dokument Word"),
        ("attachment", "program.exe", b"MZ\x90\x00", "Dozwolone pliki: PDF, DOCX, XLSX, PNG, JPG"),
        ("attachment", "raport.pdf", b"\x89PNG\r\n\x1a\n", "nie zgadza się z jego rozszerzeniem"),
        ("attachment", "raport.docx", _xlsx(), "To nie jest dokument Word"),
        ("attachment", "dane.xlsx", _docx(), "To nie jest arkusz Excel"),
        ("attachment", "raport.docx", b"PK\x03\x04 uszkodzony", "uszkodzone archiwum"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(upload, where, filename, data, message):
    response = upload(where, filename, data)
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)
    assert not Attachment.select().exists()


def _big_empty_table():
    """A real document that compresses unusually well: 1 MB of empty table cells, 1:160."""
    doc = Document()
    doc.add_table(rows=1600, cols=10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "where, filename, data, message",
    [
        ("attachment", "tabela.docx", _big_empty_table(), "Dodano załącznik"),
        ("attachment", "dane.xlsx", _xlsx(), "Dodano załącznik"),
        ("template", "szablon.docx", _docx(), "Przyjęto nową wersję szablonu"),
    ],
)
def test_real_office_files_pass(upload, where, filename, data, message):
    assert message in upload(where, filename, data).get_data(as_text=True)


# ---------- zip bombs ----------

BOMBS = {
    # name → (members added, what the user reads)
    "expands past 50 MB": ([(f"word/media/part{i}.bin", 10**6) for i in range(55)], "ponad 50 MB"),
    "compressed 1000:1": ([("word/media/zero.bin", 30 * MB)], "skompresowany podejrzanie mocno"),
    "too many parts": ([(f"word/extra/item{i}.xml", 1) for i in range(1200)], "wielu części"),
}


@pytest.mark.parametrize("bomb", list(BOMBS))
@pytest.mark.parametrize(
    "where, filename, base",
    [("template", "szablon.docx", _docx), ("attachment", "dane.xlsx", _xlsx)],
)
def test_a_zip_bomb_is_refused_before_it_is_parsed(
    upload, monkeypatch, bomb, where, filename, base
):
    members, message = BOMBS[bomb]
    data = _with_members(base(), members)
    assert len(data) < 2 * MB  # small enough to pass the upload's own size limit

    def parse(*_args, **_kwargs):
        raise AssertionError("the bomb was parsed")

    monkeypatch.setattr(documents, "render", parse)
    page = upload(where, filename, data).get_data(as_text=True)
    assert message in page and "odrzucono" in page
    assert not Attachment.select().exists()
