"""Checks of an uploaded Office file (.docx, .xlsx: a ZIP archive) before anything parses it:
a readable archive of the right kind, and no zip bomb. The sizes checked are those the archive
declares; Python's zipfile never inflates a member past its declared size."""

import io
import re
import zipfile

from lxml import etree

MAX_MEMBERS = 1000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
# Text inflates 5–30 times, a big empty Word table about 160 times; deflate tops out near 1000
# (what a zip bomb uses). Members below RATIO_FROM bytes are too small to matter.
MAX_RATIO = 500
RATIO_FROM = 1024 * 1024

# kind → (the part every such file has, how the user calls it)
OFFICE = {
    "docx": ("word/document.xml", "dokument Word (.docx)"),
    "xlsx": ("xl/workbook.xml", "arkusz Excel (.xlsx)"),
}


MAX_NAME = 200  # the longest file name stored


_PATH_SEPARATORS = re.compile(r"[\\/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def stored_name(filename, limit=MAX_NAME):
    """The file name as it is stored and served: its last path component ("C:\\x\\a.pdf" from
    an old browser, "../../a.pdf" from anyone), no control characters, no leading dots, at most
    `limit` characters shortened before the extension. Whatever checks the extension must check
    this name — cut at the end, "x"*195 + ".html.pdf" would pass as a PDF and be stored (and
    served) as "xxx….html"."""
    filename = _CONTROL.sub("", _PATH_SEPARATORS.split(filename)[-1]).strip().lstrip(".")
    filename = filename or "plik"
    if len(filename) <= limit:
        return filename
    stem, dot, ext = filename.rpartition(".")
    if not dot or len(ext) + 1 >= limit:
        return filename[:limit]
    return stem[: limit - len(ext) - 1] + dot + ext


class UploadRefused(Exception):
    """The message (Polish) says why."""


def check_office_file(data, kind):
    """Refuse `data` unless it is a sane archive of this kind ("docx" or "xlsx")."""
    part, label = OFFICE[kind]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRefused(f"To nie jest poprawny plik .{kind} (uszkodzone archiwum).") from exc
    if len(members) > MAX_MEMBERS:
        raise UploadRefused(
            f"Plik składa się z podejrzanie wielu części (ponad {MAX_MEMBERS}) — odrzucono."
        )
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise UploadRefused(
            f"Plik po rozpakowaniu miałby ponad {MAX_UNZIPPED_BYTES // 2**20} MB "
            "(tak wygląda tzw. bomba ZIP) — odrzucono."
        )
    if any(
        m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise UploadRefused(
            "Plik jest skompresowany podejrzanie mocno (tak wygląda tzw. bomba ZIP) — odrzucono."
        )
    if part not in {m.filename for m in members}:
        raise UploadRefused(f"To nie jest {label}.")


# Relationships that make a reader fetch or open something outside the file (LibreOffice fetched
# a linked picture for every PDF of that kind: second audit). A hyperlink is only followed when
# a person clicks it.
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_LINKED = {
    "image": "obraz wstawiony jako łącze do adresu",
    "oleObject": "obiekt OLE połączony z plikiem zewnętrznym",
    "package": "osadzony dokument połączony z plikiem zewnętrznym",
    "frame": "ramka wyświetlająca stronę lub plik zewnętrzny",
    "attachedTemplate": "dołączony szablon z innego pliku",
    "subDocument": "dokument podrzędny z innego pliku",
    "aFChunk": "wstawka altChunk (treść z innego pliku)",
}
_FETCHING_FIELD = re.compile(
    r"(?:^|\s)(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)(?=\s|$)", re.IGNORECASE
)
_REL_ATTRIBUTE = "{" + _REL.rstrip("/") + "}"  # r:id, r:link, r:embed … as lxml names them
_TAG = re.compile(r"\{[{%]")
_HYPERLINK_ELEMENTS = {"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"}
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def check_no_external_content(data):
    """Refuse a .docx whose parts name anything outside the file to be fetched or opened: linked
    pictures, OLE links, frames, an attached template, altChunk, sub-documents (any relationship
    with TargetMode="External" but a hyperlink; altChunk even inside the file: it is HTML or RTF
    that can name pictures on the network), a hyperlink's address used by anything but a link
    (a picture `r:link` to it is fetched), fields that include files or pictures (INCLUDEPICTURE,
    INCLUDETEXT, LINK, DDE, IMPORT) and fields whose code the template fills in (it could write
    one of those). The parts are parsed as XML: any prefix, character references, CDATA."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for name in sorted(names):
            if name.endswith(".rels"):
                for rel in _relationships(archive.read(name)):
                    kind = rel.get("Type", "").rsplit("/", 1)[-1]
                    if kind == "aFChunk" or (_external(rel) and kind != "hyperlink"):
                        found.append(_LINKED.get(kind, f"łącze do zasobu zewnętrznego ({kind})"))
            elif name.endswith(".xml"):
                root = _parsed(archive.read(name))
                found += _fields(root)
                links = _hyperlinks(archive, names, name)
                if links and any(
                    value in links and etree.QName(element).localname not in _HYPERLINK_ELEMENTS
                    for element in root.iter()
                    for attribute, value in element.attrib.items()
                    if attribute.startswith(_REL_ATTRIBUTE)
                ):
                    found.append("adres hiperłącza użyty jako obraz lub obiekt")
    if found:
        listed = ", ".join(dict.fromkeys(found))
        raise UploadRefused(
            f"Plik wskazuje treść spoza siebie, którą program pobrałby z sieci lub z dysku: "
            f"{listed}. Proszę wstawić obrazy i teksty bezpośrednio do dokumentu (np. Wstaw → "
            "Obraz, bez opcji „Połącz z plikiem”), wpisać kody pól bez znaczników szablonu i "
            "wgrać go ponownie."
        )


def _external(rel):
    return rel.get("TargetMode", "").lower() == "external"


def _parsed(content):
    try:
        return etree.fromstring(content, _XML)
    except etree.XMLSyntaxError as exc:
        raise UploadRefused("Plik jest uszkodzony (nieczytelna część dokumentu).") from exc


def _fields(root):
    """What is wrong with the part's fields: a field code split over runs is joined, as Word
    joins it."""
    codes = ["".join(e.text or "" for e in root.iter() if etree.QName(e).localname == "instrText")]
    codes += [
        value
        for element in root.iter()
        if etree.QName(element).localname == "fldSimple"
        for attribute, value in element.attrib.items()
        if etree.QName(attribute).localname == "instr"
    ]
    found = []
    for code in codes:
        found += [f"pole {m.group(1).upper()}" for m in _FETCHING_FIELD.finditer(code.strip())]
        if _TAG.search(code):
            found.append("pole, którego kod wypełnia szablon")
    return found


def _hyperlinks(archive, names, part):
    """The ids of `part`'s relationships to outside addresses (hyperlinks)."""
    folder, _slash, base = part.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels not in names:
        return set()
    return {rel.get("Id") for rel in _relationships(archive.read(rels)) if _external(rel)}


def _relationships(content):
    return [
        element.attrib
        for element in _parsed(content)
        if etree.QName(element).localname == "Relationship"
    ]
