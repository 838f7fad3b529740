"""An uploaded template reaches data only (second audit, critical: the certificate's QR code was
a docxtpl InlineImage whose `.tpl` — the whole DocxTemplate — read /etc/passwd into the sample
and wrote files during the upload's check). What a template may read is an allow-list; images
are opaque; the test renders of an upload run in a process that is killed on time and memory."""

import io
import zipfile

import pytest
import segno
from docx import Document
from jinja2 import TemplateError
from jinja2.sandbox import SecurityError

from lib import template_sandbox
from models.documents import DocumentTemplate
from services import documents, settings
from services.documents import KINDS
from services.documents import rendering as document_rendering
from services.documents import templates as document_templates
from services.documents.docx_batch.pictures import _with_pictures_in
from tests.conftest import login

PLAIN = (str, int, float, bool, type(None))


def _docx(text):
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _png():
    out = io.BytesIO()
    segno.make("logo").save(out, kind="png", scale=4)
    return out.getvalue()


def _upload(client, kind, text):
    return client.post(
        f"/dokumenty/szablony/{kind}",
        data={"file": (io.BytesIO(_docx(text)), "szablon.docx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)


@pytest.fixture
def coordinator(client, world):
    login(client, world.coordinator)
    settings.save_logo(_png())  # once a logo is set, every kind's context holds an image
    return client


@pytest.mark.parametrize(
    "kind, payload",
    [
        (
            "zaswiadczenie",
            "{% if c.qr %}{{ c.qr.tpl.replace_zipname('word/fontTable.xml', '/etc/passwd') }}"
            "{% endif %}",
        ),
        ("zaswiadczenie", "{{ c.qr.tpl.docx }}"),
        ("zaswiadczenie", "{{ c.qr|attr('tpl') }}"),
        ("zaswiadczenie", "{{ ([c.qr]|map(attribute='tpl')|first).docx }}"),
        ("zaswiadczenie", "{{ '{0.tpl}'.format(c.qr) }}"),
        ("deklaracja", "{{ logo.tpl.replace_zipname('word/fontTable.xml', '/etc/passwd') }}"),
        ("plan", "{{ logo.image_descriptor }}"),
        ("oswiadczenie", "{{ logo._drawing }}"),
        ("lista_obecnosci", "{{ logo.__html__.__self__ }}"),
        ("plan", "{{ range(3).start }}"),
        ("plan", "{{ cycler.__init__ }}"),
        ("plan", "{{ jst.items.__self__ }}"),
    ],
)
def test_no_object_in_a_template_leads_back_to_the_document(coordinator, kind, payload):
    page = _upload(coordinator, kind, payload)
    assert "Nie przyjęto szablonu" in page  # an Image has no `.tpl`; the rest is not allowed
    assert not DocumentTemplate.select().exists()
    sample = coordinator.get(f"/dokumenty/szablony/{kind}/probka.docx")
    with zipfile.ZipFile(io.BytesIO(sample.data)) as archive:
        assert b"root:" not in b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize("kind, image", [("zaswiadczenie", "c.qr"), ("deklaracja", "logo")])
def test_an_upload_writes_no_file_even_when_refused(coordinator, tmp_path, kind, image):
    target = tmp_path / "written.pth"
    page = _upload(coordinator, kind, f"{{{{ {image}.tpl.write_xml('{target}') }}}}")
    assert "Nie przyjęto szablonu" in page
    assert not target.exists()


def _values(value):
    """Every value inside a context (dicts, lists and tuples opened)."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)


def _contexts_as_rendered(kind):
    """The context of `kind` as each renderer hands it to the template, with a logo set: the
    single document's (docxtpl InlineImages behind Images) and the batch's (Pictures)."""
    context = documents.sample_context(kind)
    assert context["logo"], "the sample holds the logo"
    template = document_rendering.DocxTemplate(io.BytesIO(document_rendering.template_bytes(kind)))
    template.init_docx()
    template.current_rendering_part = template.docx.part  # as while docxtpl renders the body
    yield document_rendering._with_images(template, context)
    yield _with_pictures_in(context)[0]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_context_holds_plain_values_and_opaque_images_only(app, kind):
    settings.save_logo(_png())
    sandbox = documents.sandbox()
    for context in _contexts_as_rendered(kind):
        images = [v for v in _values(context) if isinstance(v, template_sandbox.Image)]
        assert images, "the logo (and a certificate's QR code) are images"
        for value in _values(context):
            assert isinstance(value, (*PLAIN, dict, list, tuple, template_sandbox.Image)), value
        for image in images:
            assert str(image).startswith("</w:t></w:r><w:r><w:drawing>")  # it prints itself
            for name in dir(image):
                with pytest.raises(SecurityError):
                    sandbox.from_string(f"{{{{ x[{name!r}] }}}}").render(x=image)
                with pytest.raises(SecurityError):
                    sandbox.from_string(f"{{{{ x|attr({name!r}) }}}}").render(x=image)


def test_plain_values_offer_only_their_data_methods(app):
    sandbox = documents.sandbox()
    rendered = sandbox.from_string(
        "{{ 'ab'.upper() }} {{ d.get('k') }} {{ d.items()|list|length }} "
        "{% for x in [1, 2] %}{{ loop.index }}{{ ',' if not loop.last }}{% endfor %} "
        "{% set ns = namespace(n=1) %}{% set ns.n = ns.n + 1 %}{{ ns.n }} "
        "{% for g in [{'a': 1}]|groupby('a') %}{{ g.grouper }}{% endfor %} "
        "{{ [1, 2]|first }}{{ [1, 2]|sum }}{{ [1, 2]|map('string')|join }}"
    ).render(d={"k": "v"})
    assert rendered == "AB v 1 1,2 2 1 1312"
    for source in ("{{ d.update(x=1) }}", "{{ [].append(1) }}", "{{ d.clear() }}", "{{ 1.real }}"):
        with pytest.raises(SecurityError):
            sandbox.from_string(source).render(d={})


def test_a_check_that_never_ends_is_killed_and_refused(coordinator, monkeypatch):
    """What the sandbox's own limits miss (here: a render that never returns to it) is stopped
    by killing the process the check runs in; the web worker answers."""
    monkeypatch.setattr(template_sandbox, "UPLOAD_KILL_SECONDS", 1)

    def endless(*_args, **_kwargs):
        while True:
            pass

    monkeypatch.setattr(document_templates, "render", endless)
    page = _upload(coordinator, "deklaracja", "{{ jst.name }}")  # returns: the child was killed
    assert "Nie przyjęto szablonu" in page and "trwa zbyt długo (ponad 1 s)" in page
    assert not DocumentTemplate.select().exists()


def test_a_check_that_takes_too_much_memory_is_refused(coordinator, monkeypatch):
    monkeypatch.setattr(template_sandbox, "UPLOAD_MEMORY", 64 * 1024 * 1024)

    def greedy(*_args, **_kwargs):
        return bytearray(256 * 1024 * 1024)

    monkeypatch.setattr(document_templates, "render", greedy)
    page = _upload(coordinator, "deklaracja", "{{ jst.name }}")
    assert "Nie przyjęto szablonu" in page and "zbyt dużo pamięci (ponad 64 MB)" in page
    assert not DocumentTemplate.select().exists()


# Found by attacking the sandbox (this session's red team): each passed the limits before.
ATTACKS = [
    # dict views and namespaces were counted as one item however much they held
    "{% set s='x'*400000 %}{% set a={'k': s}.items() %}{% set la={'k': [a]*1000}.items() %}"
    "{{ ([la]*1000) == ([la]*1000) }}",
    "{% set d={'a': 'x'*900000} %}{% set l=[d.values()]*1000 %}{{ l|pprint }}",
    "{% set o=namespace(v=namespace(x='x'*1000)) %}{% for i in range(25) %}"
    "{% set o.v=namespace(x=[o.v, o.v]) %}{% endfor %}{{ o.v }}",
    "{% set d={'a': 'x'*900000} %}{{ '%s' % ([d.values()]*300) }}",
    # quadratic filters
    "{{ ('x'*999999)|wordwrap(1) }}",
    "{{ ('x'*999999)|wordwrap(1, wrapstring='-') }}",
    "{{ ([[0]]*300000)|sum(start=[]) }}",
    # an image printed a million times in one join
    "{{ ([logo]*1000000)|join }}",
    # writing XML past the escaping
    "{{ ('%c' % 60)|safe }}",
    "{% autoescape false %}{{ '<w:r/>' }}{% endautoescape %}",
    "{% filter safe %}<{% endfilter %}",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_attacks_on_the_limits_are_refused_at_once(app, source):
    settings.save_logo(_png())
    context = next(_contexts_as_rendered("deklaracja"))
    with pytest.raises(Exception) as refused:  # noqa: B017 — which error depends on the attack
        with template_sandbox.limits(template_sandbox.RENDER_SECONDS):
            documents.sandbox().from_string(source).render(**context)
    assert isinstance(refused.value, (template_sandbox.TemplateLimitExceeded, TemplateError))
    # at once: a limit of size, steps or kind stops it, not the clock after RENDER_SECONDS
    assert "trwa zbyt długo" not in str(refused.value)


def test_every_part_of_a_document_shares_one_budget(app, monkeypatch):
    """Each part (body, headers, footers, properties) used to get RENDER_SECONDS of its own."""
    monkeypatch.setattr(template_sandbox, "MAX_STEPS", 40)
    doc = Document()
    doc.add_paragraph("{% for i in range(30) %}{% endfor %}")
    doc.sections[0].header.paragraphs[0].text = "{% for i in range(30) %}{% endfor %}"
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(template_sandbox.TemplateLimitExceeded, match="zbyt wiele kroków"):
        documents.render("deklaracja", documents.sample_context("deklaracja"), out.getvalue())
