"""Word documents in bulk: a template read, patched and compiled once per process; each document
renders only its own parts (body, headers, footers) into a package whose other parts (styles,
theme … most of a .docx) were compressed once; many documents joined into one by their bodies,
streamed to a file.

The output is what services.documents.render writes (docxtpl over python-docx): the same
patched sources, the same Jinja sandbox, the same post-processing — only the work that is the
same for every document is done once. Images (the logo strip, a certificate's QR code) are
media parts named by their digest: the logo, the same in every document, is one part of a merged
file. A template this package cannot render part by part (footnotes, tags in the document
properties) is rendered the slow way, one DocxTemplate each.

parts: the ZIP writer and the package's relationships and content types; pictures: the images;
compiled: the compiled template (one document); merger: many documents as one. The names below
are the area's interface: import them from here."""

from .compiled import FOOTNOTES, NUMBERED_PARTS, PROPERTIES, Compiled, Story, compiled
from .merger import Merger
from .parts import Entry, package
from .pictures import Picture

__all__ = [
    "Compiled",
    "Entry",
    "FOOTNOTES",
    "Merger",
    "NUMBERED_PARTS",
    "PROPERTIES",
    "Picture",
    "Story",
    "compiled",
    "package",
]
