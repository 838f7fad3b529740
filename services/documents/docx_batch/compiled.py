"""The compiled template: one template read, patched and compiled once, rendering only its own
parts (body, headers, footers) for each document."""

import hashlib
import io
import re
import threading
import zipfile
from copy import deepcopy
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml, serialize_part_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from lib import memos, template_sandbox

from .. import rendering
from ..rendering import sandbox
from .parts import Entry, _rels_name, _types_with, _with_pictures, package
from .pictures import _number_drawings, _used, _with_pictures_in

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
FOOTNOTES = f"{_WML}.footnotes+xml"
# parts whose ids the body refers to: one copy per merged document would be needed
NUMBERED_PARTS = {FOOTNOTES, f"{_WML}.endnotes+xml", f"{_WML}.comments+xml"}
# the core properties docxtpl renders as templates (DocxTemplate.render_properties)
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_MARK = "PLANJST-BODY"
_TAG_IN = re.compile(r"\{[{%#]")


@dataclass(frozen=True)
class Story:
    """A header or footer of the template: its relationship from the document, part name and
    patched source."""

    rel_id: str
    reltype: str
    name: str  # "word/header1.xml"
    content_type: str
    source: "_Source"
    encoding: str


_CORE = "docProps/core.xml"


class Compiled:
    """One template, ready to render many documents (thread-safe: nothing is written to it
    after it is built)."""

    def __init__(self, data, kind):
        self.data, self.kind = data, kind
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
        document = template.docx
        properties = document.core_properties  # docxtpl's render adds python-docx's if missing
        types = {part.content_type for part in document.part.package.parts}
        self.fast = FOOTNOTES not in types and not any(
            _TAG_IN.search(getattr(properties, name) or "") for name in PROPERTIES
        )
        self.mergeable = self.fast and not types & NUMBERED_PARTS  # Merger joins bodies only
        if not self.fast:
            return
        rendering.set_properties(properties, kind, {})  # the kind's title, author, language
        rendering.set_package_properties(document.part.package)
        self._template = template
        main = document.part
        self.main_name = main.partname.lstrip("/")
        self.body_source = _Source(template, template.patch_xml(template.get_xml()))
        self.stories = []
        for reltype in (RT.HEADER, RT.FOOTER):
            for rel_id, part in template.get_headers_footers(reltype):
                xml = template.get_part_xml(part)
                self.stories.append(
                    Story(
                        rel_id,
                        reltype,
                        part.partname.lstrip("/"),
                        part.content_type,
                        _Source(template, template.patch_xml(xml)),
                        template.get_headers_footers_encoding(xml),
                    )
                )
        root = deepcopy(main.element)
        body = root.find(qn("w:body"))
        self.body_tag = (f"{body.prefix}:body" if body.prefix else "body").encode()
        root.replace(body, etree.Comment(_MARK))
        self.head, self.tail = serialize_part_xml(root).split(f"<!--{_MARK}-->".encode())
        numbering = [rel.target_part for rel in main.rels.values() if rel.reltype == RT.NUMBERING]
        self.numbering_name = numbering[0].partname.lstrip("/") if numbering else None
        self.main_rels_name = main.partname.rels_uri.lstrip("/")
        # every part as python-docx writes it (what documents.render's save writes)
        saved = io.BytesIO()
        document.save(saved)
        with zipfile.ZipFile(saved) as archive:
            self.files = {info.filename: archive.read(info) for info in archive.infolist()}
        rendered = {self.main_name} | {story.name for story in self.stories}
        self.entries = [
            None if name in rendered else Entry.of(name, content)
            for name, content in self.files.items()
        ]
        self.names = list(self.files)

    # ----- one document -----

    def render(self, context):
        """The .docx bytes of one document."""
        if not self.fast:
            return rendering.render(self.kind, context, self.data)
        body, stories, pictures = self.render_parts(context)
        _number_drawings(body, 1000)
        parts = {self.main_name: self.head + etree.tostring(body, encoding="UTF-8") + self.tail}
        parts.update((self.stories[i].name, xml) for i, xml in enumerate(stories))
        changed, media = {}, {}
        if _CORE in self.files:  # the title names this document's JST
            changed[_CORE] = rendering.core_xml(self.kind, context)
        for name, xml in parts.items():
            used = _used(xml, pictures)
            if used:
                rels = _rels_name(name)
                changed[rels] = _with_pictures(self.files.get(rels), name, used)
                media.update((picture.name, picture) for picture in used)
        if media:
            changed["[Content_Types].xml"] = _types_with(
                self.files["[Content_Types].xml"], media.values()
            )
        entries = [
            Entry.of(name, changed.pop(name))
            if name in changed
            else entry or Entry.of(name, parts[name])
            for name, entry in zip(self.names, self.entries, strict=True)
        ]
        entries += [Entry.of(name, content) for name, content in changed.items()]
        entries += [picture.entry for picture in media.values()]
        return package(entries)

    def render_parts(self, context):
        """(the rendered w:body element, [each story's part bytes, in self.stories' order],
        {relationship id: Picture} of the context's images)."""
        context, pictures = _with_pictures_in(context)
        with template_sandbox.document_limits():
            body = self._template.fix_tables(self.body_source.render(context))
            stories = [
                serialize_part_xml(parse_xml(story.source.render(context).encode(story.encoding)))
                for story in self.stories
            ]
        return body, stories, pictures


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_LISTING = re.compile(r"[\t\a\n\f]")
_ESCAPED = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))


class _Source:
    """A part's patched source compiled once; render() is DocxTemplate.render_xml_part without
    the work that is the same for every document (its source split into lines, compiled) and
    with its listing (tabs, new lines … in the text) resolved only in the paragraphs that hold
    one — the same result: DocxTemplate.resolve_listing changes nothing else."""

    def __init__(self, template, source):
        self.template = template
        self.compiled = sandbox().from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", source))

    def render(self, context):
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", self.compiled.render(context))
        for escaped, tag in _ESCAPED:
            xml = xml.replace(escaped, tag)
        if not _LISTING.search(xml):
            return xml
        return _PARAGRAPH.sub(self._listing, xml)

    def _listing(self, match):
        paragraph = match.group(0)
        return self.template.resolve_listing(paragraph) if _LISTING.search(paragraph) else paragraph


_CACHE = memos.memo("documents.compiled", 8, by_content=True)
_CACHE_LOCK = threading.Lock()


def compiled(data, kind):
    """The compiled template of these bytes, built once per process (a few kept: a new template
    version compiles anew)."""
    key = (hashlib.sha256(data).digest(), kind)
    with _CACHE_LOCK:
        found = _CACHE.pop(key, None)
    if found is None:
        found = Compiled(data, kind)
    with _CACHE_LOCK:
        _CACHE[key] = found
    return found
