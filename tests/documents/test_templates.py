"""Document templates: every template against its full context, uploaded templates checked,
used and restored."""

import io
import zipfile

import pytest
from docx import Document
from docxtpl import DocxTemplate

from services import documents
from services.documents import KINDS, TemplateRefused
from tests.conftest import login
from tests.documents.conftest import _text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_template_renders_the_full_context_and_declares_nothing_else(app, kind):
    context = documents.sample_context(kind)
    template = DocxTemplate(documents.TEMPLATES / KINDS[kind].filename)
    used = template.get_undeclared_template_variables(jinja_env=documents.sandbox())
    assert used <= set(context), f"unknown variables: {used - set(context)}"
    assert "Przykładow" in _text(documents.render(kind, context))
    for key in used:
        broken = {k: v for k, v in context.items() if k != key}
        with pytest.raises(Exception, match="undefined"):
            documents.render(kind, broken)


def _docx_with(text, split=False):
    doc = Document()
    paragraph = doc.add_paragraph()
    if split:  # Word often splits a tag across runs
        for piece in ("{{ jst", ".na", "me }}"):
            paragraph.add_run(piece)
    else:
        paragraph.add_run(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"PK\x03\x04 broken", "uszkodzone archiwum"),
        (b"%PDF-1.4 not a docx", "uszkodzone archiwum"),
        ("zip-without-document", "To nie jest dokument Word"),
        (_docx_with("{{ nieznana }}"), "nieznana zmienna"),
        (_docx_with("{{ jst.nipp }}"), "jst.nipp"),
        (_docx_with("{{ ''.__class__.__mro__ }}"), "niedozwolone"),
        (_docx_with("{{ jst.name.__class__.__subclasses__() }}"), "niedozwolone"),
    ],
)
def test_bad_templates_are_refused_with_a_reason(app, data, message):
    if data == "zip-without-document":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "x")
        data = out.getvalue()
    with pytest.raises(TemplateRefused) as refused:
        documents.check_template("deklaracja", data)
    assert message in str(refused.value) or "nipp" in str(refused.value)


def test_upload_uses_the_new_template_and_restore_goes_back(client, world):
    login(client, world.coordinator)
    data = {"file": (io.BytesIO(_docx_with("", split=True)), "moj-szablon.docx")}
    response = client.post(
        "/dokumenty/szablony/deklaracja",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Przyjęto nową wersję szablonu" in response.get_data(as_text=True)
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data)
    assert text.strip().startswith("Gmina Własna")  # the split tag rendered
    bad = {"file": (io.BytesIO(_docx_with("{{ jst.nipp }}")), "zly.docx")}
    page = client.post(
        "/dokumenty/szablony/deklaracja",
        data=bad,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Nie przyjęto szablonu" in page.get_data(as_text=True)
    client.post("/dokumenty/szablony/deklaracja/przywroc/0")
    text = _text(client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data)
    assert "Porozumienie o współpracy" in text


@pytest.mark.parametrize(
    "tag,fragment",
    [
        ("{{ countersignatory.name }}", "{{ countersignatory.name }}"),
        ("{{ signatories[0].name }}", ""),
        ("{{ team[0].name }}", ""),
    ],
)
def test_template_must_render_a_jst_without_the_optional_parts(client, world, tag, fragment):
    with pytest.raises(TemplateRefused) as refused:
        documents.check_template("deklaracja", _docx_with(tag))
    message = str(refused.value)
    assert "bez części nieobowiązkowych" in message
    assert "has no" not in message and "undefined" not in message  # Polish, not Jinja's English
    assert f"Fragment: „{fragment}”" in message if fragment else "pusta" in message
    login(client, world.coordinator)
    page = client.post(
        "/dokumenty/szablony/deklaracja",
        data={"file": (io.BytesIO(_docx_with(tag)), "szablon.docx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert page.status_code == 200 and "Nie przyjęto szablonu" in page.get_data(as_text=True)
    assert client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").status_code == 200
