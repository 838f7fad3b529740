"""Rendering one document in the Jinja sandbox (each template part compiled once), its
images and properties, and its file names."""

import io
import re
from datetime import UTC, datetime

import segno
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined

from lib import memos, template_sandbox
from lib.text import slugify
from models.documents import DocumentTemplate

from .kinds import AUTHOR, KINDS, TEMPLATES


class _Sandbox(template_sandbox.LimitedSandbox):
    """Compiles each template part once: rendering a batch reuses the compiled parts (keyed by
    their source, so a new template version compiles anew). Limits: see template_sandbox."""

    def __init__(self):
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled = memos.memo("documents.template_parts", 64, by_content=True)

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        template = self._compiled.pop(source, None) or super().from_string(source)
        self._compiled[source] = template
        while len(self._compiled) > 64:
            self._compiled.popitem(last=False)
        return template


_SANDBOX = _Sandbox()


def sandbox():
    """Uploaded templates are untrusted: no Python internals, every name and attribute must
    exist, every value escaped for XML."""
    return _SANDBOX


def template_bytes(kind):
    row = (
        DocumentTemplate.select()
        .where(DocumentTemplate.kind == kind)
        .order_by(DocumentTemplate.id.desc())
        .first()
    )
    return bytes(row.data) if row else (TEMPLATES / KINDS[kind].filename).read_bytes()


def render(kind, context, template=None):
    """The .docx bytes (a fresh DocxTemplate per render: it is not thread-safe)."""
    doc = DocxTemplate(io.BytesIO(template if template is not None else template_bytes(kind)))
    with template_sandbox.document_limits():
        doc.render(_with_images(doc, context), jinja_env=sandbox(), autoescape=True)
    set_properties(doc.docx.core_properties, kind, context)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_images(doc, context):
    """The context with its images for this rendering: the logo strip (bytes) and the
    certificate's verification link (a QR code), each an opaque template_sandbox.Image (an
    InlineImage itself would hand the template the whole DocxTemplate: its `.tpl`)."""
    context = dict(context)
    if context.get("logo"):
        logo = InlineImage(doc, io.BytesIO(context["logo"]), height=Mm(14))
        context["logo"] = template_sandbox.Image(logo.__html__)
    elif "logo" in context:
        context["logo"] = ""  # no bytes object in a template's reach
    certificate = context.get("c")
    if isinstance(certificate, dict) and certificate.get("qr"):
        png = io.BytesIO()
        segno.make(certificate["qr"], error="m").save(png, kind="png", scale=8, border=2)
        png.seek(0)
        qr = InlineImage(doc, png, width=Mm(28))
        context["c"] = certificate | {"qr": template_sandbox.Image(qr.__html__)}
    return context


def set_properties(properties, kind, context):
    """Title, subject, author, language and the dates of this rendering (python-docx's
    defaults say "python-docx", 2013)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    ore = context.get("ore") if isinstance(context.get("ore"), dict) else {}
    properties.title = KINDS[kind].label
    properties.subject = str(context.get("programme", ""))[:255]
    properties.author = properties.last_modified_by = ore.get("name") or AUTHOR
    properties.language = "pl-PL"
    properties.keywords = ""
    properties.comments = ""
    properties.created = properties.modified = now
    properties.last_printed = now
    properties.revision = 1


def filename(kind, name, version=None):
    """Readable ASCII: deklaracja-gmina-przykladowo.docx."""
    suffix = f"-wersja-{version}" if version else ""
    return f"{kind}-{slugify(name)}{suffix}.docx"


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def display_name(kind, name, version=None):
    """The Polish file name (Content-Disposition filename*): "Plan – Gmina Własna – wersja
    2.docx"."""
    suffix = f" – wersja {version}" if version else ""
    text = f"{KINDS[kind].short} – {name}{suffix}"
    return _UNSAFE_IN_NAMES.sub(" ", text).strip()[:150] + ".docx"
