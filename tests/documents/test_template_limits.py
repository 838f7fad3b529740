"""Uploaded templates are untrusted: the sandbox limits what filling one may cost (audit finding:
`{{ 'x'*10000000 }}` was accepted after 11 s, nested `range` loops of 3·10⁶ after 9.4 s). Every
refusal is a Polish message on the page, and the template in use stays."""

import io

import pytest
from docx import Document

from lib import template_sandbox
from models.documents import DocumentTemplate
from services import documents
from tests.conftest import login

TOO_LONG = "szablon tworzy zbyt długi tekst lub listę (ponad 1 000 000 znaków lub elementów)"
TOO_MANY_STEPS = "szablon wykonuje zbyt wiele kroków"
TOO_WIDE = "zbyt dużą"


def _docx(*paragraphs):
    doc = Document()
    doc.add_paragraph("Deklaracja {{ jst.name }}")
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def upload(client, world):
    login(client, world.coordinator)

    def post(*paragraphs):
        return client.post(
            "/dokumenty/szablony/deklaracja",
            data={"file": (io.BytesIO(_docx(*paragraphs)), "szablon.docx")},
            content_type="multipart/form-data",
            follow_redirects=True,
        ).get_data(as_text=True)

    return post


NESTED = (
    "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(3) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)
DOUBLING = (
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s|length }}"
)


@pytest.mark.parametrize(
    "tag, message",
    [
        ("{{ 'x'*10000000 }}", TOO_LONG),
        ("{{ ([0] * 10000000)|length }}", TOO_LONG),
        (NESTED, TOO_MANY_STEPS),
        ("{{ range(1000000)|length }}", "range() może dać najwyżej 10 000 liczb"),
        (DOUBLING, TOO_LONG),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
            "{% endfor %}",
            TOO_LONG,
        ),
        (
            "{% set l = [1] %}{% for i in range(40) %}{{ l.extend(l) or '' }}{% endfor %}",
            "niedozwolone odwołanie „extend”",
        ),
        # the second audit: each list holds references only, printing it costs them all
        ("{% set a=[0]*10000 %}{% set b=[a]*100 %}{% set c=[b]*100 %}{{ c }}", TOO_LONG),
        ("{% set a=[0]*10000 %}{% set b=[a]*100 %}{{ b|length }}", TOO_LONG),
        (
            "{% set ns = namespace(a=['x']) %}{% for i in range(40) %}"
            "{% set ns.a = [ns.a, ns.a] %}{% endfor %}{{ ns.a|length }}",
            TOO_LONG,
        ),
        (
            "{% set ns = namespace(a={'k': 'x'}) %}{% for i in range(40) %}"
            "{% set ns.a = {'a': ns.a, 'b': ns.a} %}{% endfor %}",
            TOO_LONG,
        ),
        ("{% set a=[0]*10000 %}{{ ([a]*10 + [a]*100)|length }}", TOO_LONG),
        ("{{ 'x'|center(1000000000) }}", TOO_WIDE),
        ("{{ 'x'.ljust(10**9) }}", TOO_WIDE),
        ("{{ '%0999999999d' % 1 }}", "szerokość pola w formacie"),
        ("{{ '{:>{}}'.format(1, 999999999) }}", "szerokość pola w formacie"),
        ("{{ ('y'*100000).join('x'*100000) }}", TOO_LONG),
        ("{{ ('x'*100000)|replace('x', 'y'*1000) }}", TOO_LONG),
        ("{{ 9**(9**9) }}", "zbyt dużą liczbę"),
        ("{% for x in 'ab' recursive %}{{ loop('ab') }}{% endfor %}", "rekurencja"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "rekurencja"),
        ("{% for i in range(5000) %}{{ 'x'*10000 }}{% endfor %}", "wypełniony szablon byłby zbyt"),
    ],
)
def test_a_template_over_a_limit_is_refused_with_the_reason(upload, tag, message):
    page = upload(tag)
    assert "Nie przyjęto szablonu" in page and message in page
    assert not DocumentTemplate.select().exists()


def test_the_upload_check_has_a_time_limit(upload, monkeypatch):
    """Whatever the limits above miss, the test renders of an upload stop at a deadline (here
    one already past, so the test does not depend on the machine's speed)."""
    monkeypatch.setattr(template_sandbox, "UPLOAD_SECONDS", -1)
    page = upload("{% for i in range(3) %}{{ i }}{% endfor %}")
    assert "Nie przyjęto szablonu" in page and "wypełnianie szablonu trwa zbyt długo" in page


def test_ordinary_tags_stay_allowed(upload, client, world):
    page = upload(
        "{% for i in range(3) %}{{ i ~ '.' }}{% endfor %}{{ 'ab'|center(6) }}"
        "{{ '%5.2f' % 3.14159 }}|{{ '{:>5}'.format('a') }}|{{ ['a', 'b']|join(', ') }}"
        "|{{ 'a-b'|replace('-', '+') }}|{{ 2**10 }}|{{ 'ab' * 2 }}"
    )
    assert "Przyjęto nową wersję szablonu" in page
    data = client.get(f"/jst/{world.jst.id}/dokumenty/deklaracja.docx").data
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Deklaracja Gmina Własna" in text
    assert "0.1.2.  ab   3.14|    a|a, b|a+b|1024|abab" in text


def test_a_stored_template_is_limited_when_documents_are_made(client, world):
    """A template stored before these limits (or by hand) is limited too, at every render."""
    DocumentTemplate.create(kind="deklaracja", data=_docx("{{ 'x'*10000000 }}"), filename="s.docx")
    with pytest.raises(template_sandbox.TemplateLimitExceeded, match="zbyt długi tekst"):
        documents.render("deklaracja", documents.sample_context("deklaracja"))
