"""One tagged PDF joined from tagged PDFs (LibreOffice's PDF/A-2b exports), each document
keeping its pages, its own page numbers and its structure: a joined file read by a screen
reader has the headings, tables and alternative texts of every document (ustawa o dostępności
cyfrowej), which joining pages alone (pypdf) dropped.

Each source's structure tree goes under one /Document element of the joined file as a /Part
titled by the document; the number tree mapping marked content to structure elements
(/ParentTree) is merged with every source's keys moved past the previous ones (the pages'
/StructParents and the annotations' /StructParent with them). The catalog says what the sources
said — marked, the language, the title shown — and the PDF/A-2b claim stays true: the pages are
copied unchanged (fonts embedded), the first source's output intent is kept, and the XMP
metadata is written in step with the document information."""

import io
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

LANGUAGE = "pl-PL"


def join(sources, title, out, author="", language=LANGUAGE):
    """Write into `out` (a path or a binary file) the PDFs of `sources` — [(path or bytes,
    document title)] in order — as one tagged PDF titled `title`, with a bookmark per document.
    Returns [pages of each source]."""
    joined = pikepdf.new()
    document = joined.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(), T=pikepdf.String(title))
    )
    tree = joined.make_indirect(
        Dictionary(
            Type=Name.StructTreeRoot,
            K=Array([document]),
            ParentTree=joined.make_indirect(Dictionary(Nums=Array())),
            RoleMap=Dictionary(),
        )
    )
    document.P = tree
    nums, next_key, counts, bookmarks = [], 0, [], []
    opened = []  # open until the joined file is written: its objects are copied from them
    try:
        for source, name in sources:
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            pdf = pikepdf.open(io.BytesIO(data))
            opened.append(pdf)
            if not opened[1:]:
                _first_catalog(joined, pdf)
            bookmarks.append((name, len(joined.pages)))
            next_key = _append(joined, pdf, name, document, tree, nums, next_key)
            counts.append(len(pdf.pages))
        tree.ParentTree.Nums = Array(nums)
        tree.ParentTreeNextKey = next_key
        root = joined.Root
        root.MarkInfo = Dictionary(Marked=True)
        root.Lang = pikepdf.String(language)
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        root.StructTreeRoot = tree
        with joined.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(name, page) for name, page in bookmarks)
        with joined.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:language"] = [language]
            if author:
                meta["dc:creator"] = [author]
            meta["pdf:Producer"] = "Plan JST"
            meta["xmp:CreatorTool"] = "Plan JST"
        joined.docinfo[Name.Title] = title
        joined.docinfo[Name.Producer] = "Plan JST"
        if author:
            joined.docinfo[Name.Author] = author
        joined.save(
            out,
            min_version=opened[0].pdf_version if opened else "1.6",
            object_stream_mode=pikepdf.ObjectStreamMode.generate,  # the structure: ~half the size
        )
    finally:
        for pdf in opened:
            pdf.close()
        joined.close()
    return counts


def _first_catalog(joined, pdf):
    """What the first source's catalog says about the whole file: its output intent (PDF/A)
    and its PDF/A identification (copied into the new XMP metadata)."""
    if "/OutputIntents" in pdf.Root:
        joined.Root.OutputIntents = _copy(joined, pdf, pdf.Root.OutputIntents)
    with pdf.open_metadata() as source, joined.open_metadata(set_pikepdf_as_editor=False) as meta:
        for key in ("pdfaid:part", "pdfaid:conformance"):
            if key in source:
                meta[key] = source[key]


def _append(joined, pdf, name, document, tree, nums, next_key):
    """Copy the source's pages and structure into `joined` (its parent-tree keys from
    next_key); the next free key."""
    first = len(joined.pages)
    for page in pdf.pages:
        joined.pages.append(page)
    source_tree = pdf.Root.get("/StructTreeRoot")
    if source_tree is None:
        return next_key
    entries = _number_tree(source_tree.get("/ParentTree"))
    shift = next_key
    for page in joined.pages[first:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + shift
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + shift
    kids = source_tree.get("/K")
    kids = list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []
    for kid in kids:  # the source's top elements: its /Document becomes a titled /Part
        if "/P" in kid:
            del kid["/P"]  # not to copy the source's tree root along
    for kid in kids:
        copied = _copy(joined, pdf, kid)
        copied.P = document
        if copied.get("/S") == Name.Document:
            copied.S = Name.Part
            copied.T = pikepdf.String(name)
        document.K.append(copied)
    for key, value in entries:
        nums.extend([key + shift, _copy(joined, pdf, value)])
    for mapping in ("/RoleMap", "/ClassMap"):
        if mapping in source_tree:
            merged = tree.get(mapping, Dictionary())
            for role, target in source_tree[mapping].items():
                if role not in merged:
                    merged[role] = _copy(joined, pdf, target)
            tree[mapping] = merged
    last = max((key for key, _value in entries), default=-1) + 1
    declared = int(source_tree.get("/ParentTreeNextKey", 0))
    return shift + max(last, declared)


def _copy(joined, pdf, value):
    """`value` of `pdf` copied into `joined` (what it refers to with it, each object once: a
    page or element copied before is referred to again, not copied twice)."""
    if not isinstance(value, pikepdf.Object):  # a number
        return value
    if not value.is_indirect:  # copy_foreign takes only objects of their own
        value = pdf.make_indirect(value)
    return joined.copy_foreign(value)


def _number_tree(node):
    """[(key, value)] of a number tree (its /Nums, or its /Kids' in order)."""
    if node is None:
        return []
    out = []
    nums = node.get("/Nums")
    if nums is not None:
        out += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2)]
    for kid in node.get("/Kids", []):
        out += _number_tree(kid)
    return out
