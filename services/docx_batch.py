"""Word documents in bulk: a template read, patched and compiled once per process; each document
renders only its own parts (body, headers, footers) into a package whose other parts (styles,
theme … most of a .docx) were compressed once; many documents joined into one by their bodies,
streamed to a file.

The output is what services.documents.render writes (docxtpl over python-docx): the same
patched sources, the same Jinja sandbox, the same post-processing — only the work that is the
same for every document is done once. Images (the logo strip, a certificate's QR code) are
media parts named by their digest: the logo, the same in every document, is one part of a merged
file. A template this module cannot render part by part (footnotes, tags in the document
properties) is rendered the slow way, one DocxTemplate each."""

import hashlib
import io
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from copy import deepcopy
from dataclasses import dataclass
from posixpath import dirname, relpath

import segno
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml, serialize_part_xml
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Mm
from docxtpl import DocxTemplate
from lxml import etree

from . import documents
from .documents import sandbox

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
FOOTNOTES = f"{_WML}.footnotes+xml"
# parts whose ids the body refers to: one copy per merged document would be needed
NUMBERED_PARTS = {FOOTNOTES, f"{_WML}.endnotes+xml", f"{_WML}.comments+xml"}
# the core properties docxtpl renders as templates (DocxTemplate.render_properties)
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_MARK = "PLANJST-BODY"
_TAG_IN = re.compile(r"\{[{%#]")
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_R_ID = qn("r:id")
_PICTURE_ID = re.compile(rb'r:embed="(rIdPlanJstImage[0-9a-f]+)"')
# what follows w:pgNumType in w:sectPr (the schema fixes the order)
_AFTER_PG_NUM_TYPE = {
    qn(f"w:{name}")
    for name in (
        "cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
        "printerSettings sectPrChange"
    ).split()
}


# ---------- a minimal ZIP writer: parts compressed once are copied as they are ----------


@dataclass(frozen=True)
class Entry:
    """A file of a ZIP archive, deflated."""

    name: bytes
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name, data, level=6):
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return cls(
            name.encode(), zlib.crc32(data), len(data), packer.compress(data) + packer.flush()
        )


_DOS_DATE = (2017 - 1980) << 9 | 1 << 5 | 1  # 1 January 2017: the same bytes for the same data


def package(entries):
    """The bytes of a ZIP archive of `entries` (UTF-8 names, deflated, no ZIP64: one document)."""
    out, central, offset = [], [], 0
    for entry in entries:
        fields = (0x800, 8, 0, _DOS_DATE, entry.crc, len(entry.data), entry.size, len(entry.name))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *fields, 0)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *fields, 0, 0, 0, 0, 0, offset)
            + entry.name
        )
        out += (local, entry.name, entry.data)
        offset += len(local) + len(entry.name) + len(entry.data)
    directory = b"".join(central)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0
    )
    return b"".join(out) + directory + end


# ---------- the compiled template ----------


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
        documents.set_properties(properties, kind, {})  # the kind's title, author, language
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
            return documents.render(self.kind, context, self.data)
        body, stories, pictures = self.render_parts(context)
        _number_drawings(body, 1000)
        parts = {self.main_name: self.head + etree.tostring(body, encoding="UTF-8") + self.tail}
        parts.update((self.stories[i].name, xml) for i, xml in enumerate(stories))
        changed, media = {}, {}
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


class Picture:
    """An image printed as docxtpl prints an InlineImage (the same drawing), its media part named
    by the image's digest, so the same image is the same part in every document."""

    def __init__(self, blob, width=None, height=None):
        image = Image.from_blob(blob)
        digest = hashlib.sha256(blob).hexdigest()[:20]
        self.rel_id = f"rIdPlanJstImage{digest}"
        self.name = f"word/media/planjst-{digest}.{image.ext}"
        self.content_type = image.content_type
        self.blob = blob
        cx, cy = image.scaled_dimensions(width, height)
        inline = CT_Inline.new_pic_inline(1, self.rel_id, image.filename, cx, cy)
        self.xml = (
            f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
            '<w:t xml:space="preserve">'
        )
        self.entry = Entry.of(self.name, blob, level=1)  # PNG and JPEG are compressed already

    def __html__(self):
        return self.xml

    __str__ = __html__


_PICTURES = OrderedDict()
_PICTURES_LOCK = threading.Lock()


def _picture(blob, width=None, height=None):
    """A Picture, the logo's made once per process (a few kept)."""
    key = (hashlib.sha256(blob).digest(), width, height)
    with _PICTURES_LOCK:
        found = _PICTURES.pop(key, None)
    found = found or Picture(blob, width, height)
    with _PICTURES_LOCK:
        _PICTURES[key] = found
        while len(_PICTURES) > 4:
            _PICTURES.popitem(last=False)
    return found


def _with_pictures_in(context):
    """(the context with its images as Pictures, {relationship id: Picture}): the logo strip
    (bytes) and a certificate's verification link (a QR code) — what documents.render prints
    as InlineImages."""
    pictures = {}
    if context.get("logo"):
        logo = _picture(context["logo"], height=Mm(14))
        pictures[logo.rel_id] = logo
        context = context | {"logo": logo}
    certificate = context.get("c")
    if isinstance(certificate, dict) and certificate.get("qr"):
        png = io.BytesIO()
        segno.make(certificate["qr"], error="m").save(png, kind="png", scale=8, border=2)
        qr = Picture(png.getvalue(), width=Mm(28))
        pictures[qr.rel_id] = qr
        context = context | {"c": certificate | {"qr": qr}}
    return context, pictures


def _used(xml, pictures):
    """The Pictures a part's XML (bytes) draws."""
    if not pictures:
        return []
    ids = dict.fromkeys(match.decode() for match in _PICTURE_ID.findall(xml))
    return [pictures[rel_id] for rel_id in ids if rel_id in pictures]


def _with_pictures(rels, part_name, pictures):
    """A part's relationships (bytes, None when it has none) with those of its pictures."""
    if rels is None:
        root = etree.Element(f"{{{_PACKAGE_RELS}}}Relationships", nsmap={None: _PACKAGE_RELS})
    else:
        root = etree.fromstring(rels)
    known = {rel.get("Id") for rel in root}
    for picture in pictures:
        if picture.rel_id not in known:
            etree.SubElement(
                root,
                f"{{{_PACKAGE_RELS}}}Relationship",
                Id=picture.rel_id,
                Type=RT.IMAGE,
                Target=relpath(picture.name, dirname(part_name)),
            )
    return serialize_part_xml(root)


def _types_with(types, pictures, stories=()):
    """[Content_Types].xml (bytes) naming the media parts and the new stories
    ((part name, content type))."""
    root = etree.fromstring(types)
    known = {o.get("PartName") for o in root if o.get("PartName")}
    named = [(p.name, p.content_type) for p in pictures] + list(stories)
    for name, content_type in named:
        if "/" + name not in known:
            known.add("/" + name)
            etree.SubElement(
                root,
                f"{{{_CONTENT_TYPES}}}Override",
                PartName="/" + name,
                ContentType=content_type,
            )
    return serialize_part_xml(root)


def _number_drawings(body, last):
    """Number the drawings' ids from last + 1 (unique in a document, as docxtpl does); returns
    the last id given."""
    for drawing in body.iter(f"{{{_WP}}}docPr"):
        last += 1
        drawing.set("id", str(last))
    return last


_CACHE = OrderedDict()
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
        while len(_CACHE) > 8:
            _CACHE.popitem(last=False)
    return found


# ---------- many documents as one ----------


class Merger:
    """Writes one .docx of many documents of a template, each in its own section — from a new
    page, pages numbered from 1, its own header and footer (so the draft mark only on drafts),
    lists numbered from 1 — to a file: the body is streamed part by part, so time and memory
    per document stay the same however many there are.

        with Merger(compiled, path) as merger:
            for context in contexts:
                merger.add(context)
    """

    def __init__(self, template, path):
        self.template = template
        self.archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.body = None  # the streamed main part
        self.pending = None  # the last document's body: its section ends the whole body
        self.count = 0
        self.drawings = 1000
        self.bookmarks = 0
        self.stories = {}  # (template rel id, content) -> merged rel id
        self.new_stories = []  # (rel id, Story of the template, part name, content)
        self.numbers = {RT.HEADER: 0, RT.FOOTER: 0}  # of the last new header, footer part
        self.numbering = None  # _Lists, when a list is numbered anew
        self.media = {}  # part name -> Picture: each image once, however many print it
        self.body_pictures = {}  # rel id -> Picture drawn in the body
        self.story_pictures = {}  # merged rel id -> [Picture] of a header or footer

    def __enter__(self):
        self.body = self.archive.open(self.template.main_name, "w", force_zip64=True)
        self.body.write(self.template.head + b"<" + self.template.body_tag + b">")
        return self

    def __exit__(self, kind, exc, traceback):
        if kind is None:
            self._finish()
        else:
            self.body.close()
        self.archive.close()

    def add(self, context):
        body, stories, pictures = self.template.render_parts(context)
        if pictures:
            for rel_id in body.xpath(".//a:blip/@r:embed", namespaces=_NAMESPACES):
                if rel_id in pictures:
                    self.body_pictures[rel_id] = self.media[pictures[rel_id].name] = pictures[
                        rel_id
                    ]
        self.drawings = _number_drawings(body, self.drawings)
        self._number_bookmarks(body)
        if self.count:
            self._restart_lists(body)
        sections = list(body.iter(qn("w:sectPr")))
        for sect_pr in sections:
            self._relate_stories(sect_pr, stories, pictures)
        if sections:  # the document's first section
            _restart_page_numbers(sections[0])
        if self.pending is not None:
            self._write(self.pending, end_section=True)
        self.pending = body
        self.count += 1

    def _write(self, body, end_section):
        """The body's content; its own last section (w:body/w:sectPr) either ends the section
        here (in a paragraph of its own) or, for the last document, the whole body."""
        if end_section and len(body) and body[-1].tag == qn("w:sectPr"):
            sect_pr = body[-1]
            paragraph = etree.SubElement(body, qn("w:p"))
            etree.SubElement(paragraph, qn("w:pPr")).append(sect_pr)
        xml = etree.tostring(body, encoding="UTF-8")
        if len(body):  # drop <w:body xmlns…> … </w:body>: the namespaces are the document's
            self.body.write(xml[xml.index(b">") + 1 : xml.rindex(b"</")])

    def _finish(self):
        if self.pending is not None:
            self._write(self.pending, end_section=False)
        self.body.write(b"</" + self.template.body_tag + b">" + self.template.tail)
        self.body.close()
        template = self.template
        changed = {template.main_name}
        for rel_id, story, name, content in self.new_stories:
            self.archive.writestr(name, content)
            rels = template.files.get(_rels_name(story.name))
            drawn = self.story_pictures.get(rel_id)
            if drawn:
                rels = _with_pictures(rels, name, drawn)
            if rels is not None and (drawn or name != story.name):  # a logo …
                self.archive.writestr(_rels_name(name), rels)
                changed.add(_rels_name(name))
            changed.add(name)
        for name, picture in self.media.items():
            self.archive.writestr(name, picture.blob, zipfile.ZIP_STORED)  # compressed already
            changed.add(name)
        if self.new_stories or self.media:
            self.archive.writestr("[Content_Types].xml", self._content_types())
            self.archive.writestr(template.main_rels_name, self._main_rels())
            changed |= {"[Content_Types].xml", template.main_rels_name}
        if self.numbering is not None:
            self.archive.writestr(template.numbering_name, serialize_part_xml(self.numbering.root))
            changed.add(template.numbering_name)
        for name, content in template.files.items():
            if name not in changed:
                self.archive.writestr(name, content)

    def _relate_stories(self, sect_pr, stories, pictures):
        """Point the section's headers and footers at this document's own (parts with the same
        content are shared: drafts share one header)."""
        template = self.template
        by_rel = {story.rel_id: i for i, story in enumerate(template.stories)}
        for reference in sect_pr.xpath("w:headerReference|w:footerReference", namespaces={"w": _W}):
            index = by_rel.get(reference.get(_R_ID))
            if index is None:
                continue
            story, content = template.stories[index], stories[index]
            key = (story.rel_id, content)
            if key not in self.stories:
                if story.rel_id not in self.stories:  # the template's own part, first filled
                    rel_id, name = story.rel_id, story.name
                    self.stories[story.rel_id] = rel_id
                else:
                    rel_id, name = f"rIdPlanJst{len(self.new_stories) + 1}", self._new_name(story)
                self.new_stories.append((rel_id, story, name, content))
                self.stories[key] = rel_id
                drawn = _used(content, pictures)
                if drawn:
                    self.story_pictures[rel_id] = drawn
                    self.media.update((picture.name, picture) for picture in drawn)
            reference.set(_R_ID, self.stories[key])

    def _new_name(self, story):
        stem = "word/header" if story.reltype == RT.HEADER else "word/footer"
        while True:
            self.numbers[story.reltype] += 1
            name = f"{stem}{self.numbers[story.reltype]}.xml"
            if name not in self.template.files:
                return name

    def _content_types(self):
        stories = [(name, story.content_type) for _r, story, name, _c in self.new_stories]
        return _types_with(self.template.files["[Content_Types].xml"], self.media.values(), stories)

    def _main_rels(self):
        rels = etree.fromstring(self.template.files[self.template.main_rels_name])
        known = {r.get("Id") for r in rels}
        base = dirname(self.template.main_name)
        for rel_id, story, name, _content in self.new_stories:
            if rel_id not in known:
                etree.SubElement(
                    rels,
                    f"{{{_PACKAGE_RELS}}}Relationship",
                    Id=rel_id,
                    Type=story.reltype,
                    Target=relpath(name, base),
                )
        xml = serialize_part_xml(rels)
        drawn = list(self.body_pictures.values())
        return _with_pictures(xml, self.template.main_name, drawn) if drawn else xml

    def _number_bookmarks(self, body):
        ids = {}
        for mark in body.xpath(".//w:bookmarkStart|.//w:bookmarkEnd", namespaces={"w": _W}):
            old = mark.get(qn("w:id"))
            if old not in ids:
                self.bookmarks += 1
                ids[old] = str(self.bookmarks)
            mark.set(qn("w:id"), ids[old])

    def _restart_lists(self, body):
        """Each document's numbered lists start from 1 (a list instance of its own)."""
        used = body.xpath(".//w:numPr/w:numId", namespaces={"w": _W})
        if not used or self.template.numbering_name is None:
            return
        if self.numbering is None:
            self.numbering = _Lists(self.template.files[self.template.numbering_name])
        fresh = {}
        for num_id in used:
            old = num_id.get(qn("w:val"))
            if old not in fresh:
                fresh[old] = self.numbering.restarted(old)
            if fresh[old] is not None:
                num_id.set(qn("w:val"), fresh[old])


class _Lists:
    """The numbering part, growing by a list instance (w:num) per document and list."""

    def __init__(self, xml):
        self.root = etree.fromstring(xml)
        self.nums = {n.get(qn("w:numId")): n for n in self.root.iterfind(qn("w:num"))}
        self.last = list(self.nums.values())[-1] if self.nums else None
        self.next_id = max((int(i) for i in self.nums), default=0) + 1
        self.levels = {
            a.get(qn("w:abstractNumId")): [
                (lvl.get(qn("w:ilvl")), lvl.find(qn("w:start"))) for lvl in a.iterfind(qn("w:lvl"))
            ]
            for a in self.root.iterfind(qn("w:abstractNum"))
        }

    def restarted(self, num_id):
        """The id of a new w:num of the same definition as num_id, every level starting anew
        (None for no list)."""
        num = self.nums.get(num_id)
        if num is None or num_id == "0":
            return None
        copy = deepcopy(num)
        copy.set(qn("w:numId"), str(self.next_id))
        self.next_id += 1
        overridden = {o.get(qn("w:ilvl")) for o in copy.iterfind(qn("w:lvlOverride"))}
        abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        for ilvl, start in self.levels.get(abstract, ()):
            if ilvl not in overridden:
                override = etree.SubElement(copy, qn("w:lvlOverride"))
                override.set(qn("w:ilvl"), ilvl)
                etree.SubElement(override, qn("w:startOverride")).set(
                    qn("w:val"), start.get(qn("w:val")) if start is not None else "1"
                )
        self.last.addnext(copy)
        self.last = copy
        return copy.get(qn("w:numId"))


def _restart_page_numbers(sect_pr):
    numbering = sect_pr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = etree.Element(qn("w:pgNumType"))
        following = next((e for e in sect_pr if e.tag in _AFTER_PG_NUM_TYPE), None)
        if following is None:
            sect_pr.append(numbering)
        else:
            following.addprevious(numbering)
    numbering.set(qn("w:start"), "1")


def _rels_name(name):
    folder, _sep, file = name.rpartition("/")
    return f"{folder}/_rels/{file}.rels"
