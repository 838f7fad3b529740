"""Many documents of a template as one .docx, each in its own section, streamed to a file."""

import zipfile
from copy import deepcopy
from posixpath import dirname, relpath

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from lxml import etree

from .. import rendering
from .parts import _PACKAGE_RELS, _rels_name, _types_with, _with_pictures
from .pictures import _number_drawings, _used

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_R_ID = qn("r:id")
# what follows w:pgNumType in w:sectPr (the schema fixes the order)
_AFTER_PG_NUM_TYPE = {
    qn(f"w:{name}")
    for name in (
        "cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
        "printerSettings sectPrChange"
    ).split()
}


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
        stories = [
            _page_number_only(xml) if story.reltype == RT.FOOTER else xml
            for story, xml in zip(self.template.stories, stories, strict=True)
        ]
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


def _page_number_only(xml):
    """A footer's bytes without its page count (documents.drop_page_count)."""
    if b"NUMPAGES" not in xml:
        return xml
    root = etree.fromstring(xml)
    rendering.drop_page_count(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
