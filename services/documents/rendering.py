"""Rendering one document in the Jinja sandbox (each template part compiled once), its
images and properties, and its file names."""

import io
import re
from datetime import UTC, datetime

import segno
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined
from lxml import etree

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
    set_package_properties(doc.docx.part.package)
    describe_images(doc.docx, context)
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


_CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC, _DCTERMS = "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
APPLICATION = "Plan JST"


def set_properties(properties, kind, context):
    """The core properties written anew, each once and in its own namespace (python-docx's
    setters added a second lastModifiedBy, keywords and revision, and lastPrinted, in the
    custom-properties namespace): title (the document and its JST — LibreOffice makes it the
    PDF's title), subject, author, language, the dates of this rendering."""
    element = properties._element  # python-docx offers no way to remove a property
    for child in list(element):
        element.remove(child)
    _fill_core(element, kind, context)


def _fill_core(element, kind, context):
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ore = context.get("ore") if isinstance(context.get("ore"), dict) else {}
    author = ore.get("name") or AUTHOR
    values = [
        (_DC, "title", document_title(kind, context)),
        (_DC, "subject", str(context.get("programme", ""))[:255]),
        (_DC, "creator", author),
        (_CORE, "lastModifiedBy", author),
        (_CORE, "revision", "1"),
        (_DCTERMS, "created", now),
        (_DCTERMS, "modified", now),
        (_DC, "language", "pl-PL"),
    ]
    for namespace, name, value in values:
        child = etree.SubElement(element, f"{{{namespace}}}{name}")
        child.text = value
        if namespace == _DCTERMS:
            child.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")


def document_title(kind, context):
    """ "Plan podnoszenia jakości usług oświatowych – Gmina Leśna": the kind and whom it is
    for (the JST; a participant's JST; a module's group)."""
    label = KINDS[kind].label
    jst = context.get("jst") if isinstance(context.get("jst"), dict) else {}
    employer = context.get("employer") if isinstance(context.get("employer"), dict) else {}
    certificate = context.get("c") if isinstance(context.get("c"), dict) else {}
    module = context.get("module") if isinstance(context.get("module"), dict) else {}
    whom = jst.get("name") or employer.get("jst") or certificate.get("jst") or ""
    if kind == "lista_obecnosci" and module:
        label = f"Lista obecności – moduł {module.get('number', '')}"
        whom = f"grupa robocza {context.get('group', '')}"
    if kind == "zaswiadczenie" and certificate.get("name"):
        whom = ", ".join(p for p in (certificate["name"], whom) if p)
    return f"{label} – {whom}"[:255] if whom else label


_APP = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity>\
<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>\
<HyperlinksChanged>false</HyperlinksChanged></Properties>""".encode()


def set_package_properties(package):
    """The extended properties name this application and claim no page or word counts (the
    template's said "Microsoft Macintosh Word, Pages 1, Words 0"); no thumbnail (a blank one
    showed in file browsers)."""
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = _APP  # a generic part: python-docx keeps its bytes
        elif rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
LOGO_ALT = "Pasek logotypów: program, Ośrodek Rozwoju Edukacji i fundusze Unii Europejskiej"


def qr_alt(url):
    return f"Kod QR z adresem strony, na której można sprawdzić zaświadczenie: {url}"


def describe_images(document, context):
    """Alt text (docPr descr) for the pictures a reader cannot see: the logo strip in the
    headers, the certificate's QR code in the body; a tagged PDF carries it as the figure's
    /Alt."""
    certificate = context.get("c") if isinstance(context.get("c"), dict) else {}
    stories = [(document.part.element, qr_alt(certificate.get("verify_url", "")))]
    # the headers through the relationships: docxtpl puts its rendered parts there, python-docx's
    # sections would still give the template's
    stories += [
        (rel.target_part.element, LOGO_ALT)
        for rel in document.part.rels.values()
        if rel.reltype == RT.HEADER and not rel.is_external
    ]
    for element, text in stories:
        for picture in element.iter(_DOC_PR):
            if not picture.get("descr"):
                picture.set("descr", text)


def core_xml(kind, context):
    """The core properties part of one document (set_properties' values), as bytes."""
    element = etree.Element(
        f"{{{_CORE}}}coreProperties",
        nsmap={"cp": _CORE, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI},
    )
    _fill_core(element, kind, context)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


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


def drop_page_count(root):
    """Remove the page count from a footer (an lxml element, changed in place): in one file of
    many documents NUMPAGES counts the file's pages ("strona 1 z 19" on a 3-page agreement) and
    SECTIONPAGES is not relied on in both Word and LibreOffice — so "strona N" (numbered from 1
    per document); the merged PDF batch prints "strona N z M". The count's field runs and the
    " z " before them go."""
    for instruction in list(root.iter(qn("w:instrText"))):
        if "NUMPAGES" not in (instruction.text or ""):
            continue
        run = instruction.getparent()
        doomed = [run]
        before = run.getprevious()
        while before is not None and not _field_char(before, "begin"):
            doomed.append(before)
            before = before.getprevious()
        if before is not None:
            doomed.append(before)
            text = before.getprevious()
            if text is not None and "".join(text.itertext()).strip() == "z":
                doomed.append(text)
        after = run.getnext()
        while after is not None and not _field_char(after, "end"):
            doomed.append(after)
            after = after.getnext()
        if after is not None:
            doomed.append(after)
        for element in doomed:
            element.getparent().remove(element)


def _field_char(run, kind):
    char = run.find(qn("w:fldChar"))
    return char is not None and char.get(qn("w:fldCharType")) == kind
