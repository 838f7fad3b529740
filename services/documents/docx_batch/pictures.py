"""Images as docxtpl prints them, each a media part named by its digest (the same image is the
same part in every document)."""

import hashlib
import io
import re
import threading

import segno
from docx.image.image import Image
from docx.oxml.shape import CT_Inline
from docx.shared import Mm

from lib import memos, template_sandbox

from ..rendering import LOGO_ALT, qr_alt
from .parts import Entry

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_PICTURE_ID = re.compile(rb'r:embed="(rIdPlanJstImage[0-9a-f]+)"')


class Picture:
    """An image printed as docxtpl prints an InlineImage (the same drawing), its media part named
    by the image's digest, so the same image is the same part in every document."""

    def __init__(self, blob, width=None, height=None, descr=""):
        image = Image.from_blob(blob)
        digest = hashlib.sha256(blob).hexdigest()[:20]
        self.rel_id = f"rIdPlanJstImage{digest}"
        self.name = f"word/media/planjst-{digest}.{image.ext}"
        self.content_type = image.content_type
        self.blob = blob
        cx, cy = image.scaled_dimensions(width, height)
        inline = CT_Inline.new_pic_inline(1, self.rel_id, image.filename, cx, cy)
        if descr:  # alt text, carried into a tagged PDF
            inline.docPr.set("descr", descr)
        self.xml = (
            f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
            '<w:t xml:space="preserve">'
        )
        self.entry = Entry.of(self.name, blob, level=1)  # PNG and JPEG are compressed already
        # what a template gets: the drawing, and nothing it could read of this object
        self.image = template_sandbox.Image(lambda: self.xml)


_PICTURES = memos.memo("documents.pictures", 4, by_content=True)
_PICTURES_LOCK = threading.Lock()


def _picture(blob, width=None, height=None, descr=""):
    """A Picture, the logo's made once per process (a few kept)."""
    key = (hashlib.sha256(blob).digest(), width, height, descr)
    with _PICTURES_LOCK:
        found = _PICTURES.pop(key, None)
    found = found or Picture(blob, width, height, descr)
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
        logo = _picture(context["logo"], height=Mm(14), descr=LOGO_ALT)
        pictures[logo.rel_id] = logo
        context = context | {"logo": logo.image}
    elif "logo" in context:
        context = context | {"logo": ""}  # no bytes object in a template's reach
    certificate = context.get("c")
    if isinstance(certificate, dict) and certificate.get("qr"):
        png = io.BytesIO()
        segno.make(certificate["qr"], error="m").save(png, kind="png", scale=8, border=2)
        qr = Picture(png.getvalue(), width=Mm(28), descr=qr_alt(certificate["qr"]))
        pictures[qr.rel_id] = qr
        context = context | {"c": certificate | {"qr": qr.image}}
    return context, pictures


def _used(xml, pictures):
    """The Pictures a part's XML (bytes) draws."""
    if not pictures:
        return []
    ids = dict.fromkeys(match.decode() for match in _PICTURE_ID.findall(xml))
    return [pictures[rel_id] for rel_id in ids if rel_id in pictures]


def _number_drawings(body, last):
    """Number the drawings' ids from last + 1 (unique in a document, as docxtpl does); returns
    the last id given."""
    for drawing in body.iter(f"{{{_WP}}}docPr"):
        last += 1
        drawing.set("id", str(last))
    return last
