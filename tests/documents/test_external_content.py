"""Nothing a document names is fetched (second audit: a template whose picture was only linked
made LibreOffice send OPTIONS, HEAD and GET to that address for every PDF of the kind). An
upload naming outside content is refused in Polish; the conversion itself reaches nothing."""

import http.server
import io
import re
import threading
import zipfile

import pytest
import segno
from docx import Document
from docx.shared import Mm

from lib import pdf
from models.documents import DocumentTemplate
from tests.conftest import login
from tests.documents.test_pdf import LIBREOFFICE

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _rewritten(data, rels=None, document=None):
    """`data` (a .docx) with word/_rels/document.xml.rels and word/document.xml rewritten."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/_rels/document.xml.rels" and rels:
                content = rels(content.decode()).encode()
            if info.filename == "word/document.xml" and document:
                content = document(content.decode()).encode()
            target.writestr(info, content)
    return out.getvalue()


def _with_picture():
    png = io.BytesIO()
    segno.make("obraz").save(png, kind="png", scale=4)
    png.seek(0)
    doc = Document()
    doc.add_paragraph("Plan {{ jst.name }}")
    doc.add_picture(png, width=Mm(20))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client, world, data):
    """The coordinator uploads `data` as the plan's template; the page they land on."""
    login(client, world.coordinator)
    return client.post(
        "/dokumenty/szablony/plan",
        data={"file": (io.BytesIO(data), "szablon.docx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)


def linked_picture(address):
    """A .docx whose picture is only a link to `address` (r:link, no embedded copy)."""

    def rels(text):
        return re.sub(
            r'Target="media/[^"]+"',
            f'Target="{address}" TargetMode="External"',
            text,
        )

    return _rewritten(_with_picture(), rels, lambda text: text.replace("r:embed=", "r:link="))


def _with_relationship(kind, target, external=True):
    mode = ' TargetMode="External"' if external else ""
    return _rewritten(
        _with_picture(),
        rels=lambda text: text.replace(
            "</Relationships>",
            f'<Relationship Id="rId99" Type="{_REL}/{kind}" Target="{target}"{mode}/>'
            "</Relationships>",
        ),
    )


def _with_field(code):
    """A field split over two runs, as Word often writes it."""
    half = len(code) // 2
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {code[:half]}</w:instrText></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{code[half:]} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return _rewritten(
        _with_picture(), document=lambda text: text.replace("</w:p>", runs + "</w:p>", 1)
    )


@pytest.mark.parametrize(
    "data, named",
    [
        (linked_picture("http://127.0.0.1:9/x.png"), "obraz wstawiony jako łącze"),
        (_with_relationship("oleObject", "file:///etc/passwd"), "obiekt OLE"),
        (_with_relationship("frame", "http://example.org/"), "ramka"),
        (_with_relationship("attachedTemplate", "http://example.org/t.dotm"), "dołączony szablon"),
        (_with_relationship("aFChunk", "chunk.html", external=False), "altChunk"),
        (_with_field('INCLUDEPICTURE "http://example.org/a.png" \\d'), "pole INCLUDEPICTURE"),
        (_with_field('INCLUDETEXT "C:\\\\a.docx"'), "pole INCLUDETEXT"),
    ],
)
def test_an_upload_naming_outside_content_is_refused(client, world, data, named):
    page = _upload(client, world, data)
    assert "Nie przyjęto szablonu" in page and "treść spoza siebie" in page and named in page
    assert not DocumentTemplate.select().exists()


def test_a_hyperlink_stays_allowed(client, world):
    data = _with_relationship("hyperlink", "https://example.org/program")
    page = _upload(client, world, data)
    assert "Przyjęto nową wersję szablonu" in page


@pytest.fixture
def listener():
    """A local HTTP server that counts what reaches it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _count(self):
            hits.append(f"{self.command} {self.path}")
            self.send_response(404)
            self.end_headers()

        do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = _count

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@LIBREOFFICE
def test_a_stored_linked_template_makes_a_pdf_without_fetching(client, world, listener):
    """A template stored before the upload check (or by hand): the participant's plan PDF is
    made, and nothing reaches the address."""
    address, hits = listener
    DocumentTemplate.create(kind="plan", data=linked_picture(f"{address}/logo.png"), filename="x")
    login(client, world.participant)
    response = client.get(f"/jst/{world.jst.id}/dokumenty/plan.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert hits == []


@LIBREOFFICE
def test_libreoffice_loads_no_link_even_with_the_network(tmp_path, listener, monkeypatch):
    """Where the system allows no network namespace, LibreOffice's own setting holds."""
    address, hits = listener
    monkeypatch.setattr(pdf, "_offline_works", False)
    monkeypatch.setattr(pdf, "_profile", lambda: pdf.blocking_links(tmp_path / "profil"))
    assert pdf.convert(linked_picture(f"{address}/logo.png")).startswith(b"%PDF")
    assert hits == []


def _hyperlinked_picture():
    """An allowed hyperlink relationship whose id a picture uses as its r:link (fetched)."""
    return _rewritten(
        _with_picture(),
        rels=lambda text: text.replace(
            "</Relationships>",
            f'<Relationship Id="rId99" Type="{_REL}/hyperlink" '
            'Target="http://example.org/a.png" TargetMode="External"/></Relationships>',
        ),
        document=lambda text: re.sub(r'r:embed="[^"]+"', 'r:link="rId99"', text),
    )


def _with_raw_field(instr_text):
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f"<w:r><w:instrText>{instr_text}</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return _rewritten(
        _with_picture(), document=lambda text: text.replace("</w:p>", runs + "</w:p>", 1)
    )


@pytest.mark.parametrize(
    "data, named",
    [
        (_hyperlinked_picture(), "adres hiperłącza użyty jako obraz"),
        (_with_raw_field("&#73;NCLUDEPICTURE &quot;http://example.org/a.png&quot;"), "pole INCL"),
        (_with_raw_field("<![CDATA[ INCLUDEPICTURE http://example.org/a.png ]]>"), "pole INCL"),
        (_with_raw_field("{{ 'INCLUDE' ~ 'PICTURE' }} http://example.org/a.png"), "wypełnia"),
        (_with_field("{{ '' }}INCLUDEPICTURE http://example.org/a.png"), "wypełnia szablon"),
    ],
)
def test_outside_content_is_found_however_it_is_written(client, world, data, named):
    """Ways past a check that read the XML as text (this session's red team)."""
    page = _upload(client, world, data)
    assert "Nie przyjęto szablonu" in page and named in page
    assert not DocumentTemplate.select().exists()
