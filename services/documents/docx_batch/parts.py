"""The parts of a .docx package: a minimal ZIP writer (parts compressed once are copied as
they are), and the relationships and content types that name added parts."""

import struct
import zlib
from dataclasses import dataclass
from posixpath import dirname, relpath

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from lxml import etree

_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


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


def _rels_name(name):
    folder, _sep, file = name.rpartition("/")
    return f"{folder}/_rels/{file}.rels"
