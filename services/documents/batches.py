"""Batches of documents built into a file on disk, for the background jobs: a ZIP of documents
with an index, one merged .docx, a ZIP of PDFs.

Each builder takes the batch's items — (file name, context, missing), as documents.batch gives
them, or any iterable of them with `total` — renders them with the template compiled once
(docx_batch), and calls progress(done, total) after every document (wrap a costly callback in
`throttled`). Whatever progress raises cancels the build: the half-built file is removed and
the exception passed on. Nothing here touches the database but `template_bytes` when no
template is given."""

import csv
import io
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lib import pdf

from . import bulk, docx_batch, rendering
from .kinds import KINDS

PDF_CHUNK = 50  # documents per LibreOffice start: its start costs ~1 s, a document ~0.1–0.3 s
PDF_FAILED = "nie — LibreOffice nie przekształcił dokumentu (błąd lub przekroczony czas)"


class EmptyBatch(Exception):
    """No document to build; the message is Polish."""

    def __init__(self):
        super().__init__("Nie ma żadnego dokumentu do przygotowania — wybór jest pusty.")


@dataclass
class Built:
    path: Path
    documents: int  # in the file
    size: int  # bytes
    incomplete: list = field(default_factory=list)  # [(file name, [what is missing])]
    failed: list = field(default_factory=list)  # [file name] without a PDF


def load_items(kind, group=None, actor=None):
    """The batch's items: documents.batch(kind, group, actor) (loaded in bulk, audited there)."""
    return bulk.batch(kind, group, actor)


def build_zip(kind, items, path=None, progress=None, total=None, template=None):
    """A ZIP of the documents (each stored: a .docx is compressed already) and spis.csv, the
    index: file, document, complete, what is missing."""
    compiled, total = _prepare(kind, items, total, template)
    path = _target(path, ".zip")
    index = _Index()
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, (name, context, missing) in enumerate(items, 1):
                name = index.add(name, KINDS[kind].label, missing)
                archive.writestr(name, compiled.render(context))
                _report(progress, done, total)
            archive.writestr(_INDEX, index.text(), zipfile.ZIP_DEFLATED)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Built(path, index.count, path.stat().st_size, index.incomplete)


def build_merged(kind, items, path=None, progress=None, total=None, template=None):
    """One .docx of every document, each in its own section (its own header, draft mark, page
    numbers from 1); time per document the same at 100 and at 2,200."""
    compiled, total = _prepare(kind, items, total, template)
    path = _target(path, ".docx")
    incomplete, done = [], 0
    try:
        if not compiled.mergeable:  # footnotes …: composed document by document
            items = list(items)
            path.write_bytes(bulk.merged(kind, items, compiled.data))
            done = len(items)
            incomplete = [(name, missing) for name, _context, missing in items if missing]
            _report(progress, done, total)
        else:
            with docx_batch.Merger(compiled, path) as merger:
                for name, context, missing in items:
                    merger.add(context)
                    done += 1
                    if missing:
                        incomplete.append((name, list(missing)))
                    _report(progress, done, total)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Built(path, done, path.stat().st_size, incomplete)


def build_pdf_batch(kind, items, path=None, progress=None, total=None, template=None):
    """A ZIP of the documents as PDF (LibreOffice, PDF_CHUNK documents per start, a time limit
    per document) and spis.csv with a column saying which PDF failed. pdf.PdfUnavailable when
    LibreOffice is not installed (before anything is built)."""
    if not pdf.available():
        raise pdf.PdfUnavailable(pdf.MISSING)
    compiled, total = _prepare(kind, items, total, template)
    path = _target(path, ".zip")
    index = _Index(pdf=True)
    try:
        with (
            pdf.temporary_directory() as work,
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            chunk = []
            for item in items:
                chunk.append(item)
                if len(chunk) == PDF_CHUNK:
                    _pdf_chunk(kind, compiled, chunk, Path(work), archive, index, progress, total)
                    chunk = []
            if chunk:
                _pdf_chunk(kind, compiled, chunk, Path(work), archive, index, progress, total)
            archive.writestr(_INDEX, index.text())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Built(
        path, index.count - len(index.failed), path.stat().st_size, index.incomplete, index.failed
    )


def _pdf_chunk(kind, compiled, chunk, work, archive, index, progress, total):
    """Render a chunk of documents, convert them in one LibreOffice start, add the PDFs."""
    offset = index.count
    sources = []
    for i, (_name, context, _missing) in enumerate(chunk):
        source = work / f"{offset + i:06d}.docx"
        source.write_bytes(compiled.render(context))
        sources.append(source)

    def chunk_progress(done, _chunk_total):
        _report(progress, offset + done, total)

    results = pdf.convert_files(sources, work / "pdf", chunk_progress)
    for (name, _context, missing), source, result in zip(chunk, sources, results, strict=True):
        name = index.add(_pdf_name(name), KINDS[kind].label, missing, made=result is not None)
        if result is not None:
            archive.write(result, name)
            result.unlink()
        source.unlink()


def throttled(progress, seconds=0.5):
    """progress passed on at most every `seconds` (and always the last call): for a callback that
    writes to the database."""
    last = [None]

    def call(done, total):
        now = time.monotonic()
        if done >= total or last[0] is None or now - last[0] >= seconds:
            last[0] = now
            progress(done, total)

    return call


# ---------- helpers ----------

_INDEX = "spis.csv"


class _Index:
    """spis.csv: one row per document; file names made unique (two people of one name)."""

    def __init__(self, pdf=False):
        self.pdf = pdf
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=";", lineterminator="\r\n")
        self.writer.writerow(["plik", "dokument", "kompletny", "braki"] + (["pdf"] if pdf else []))
        self.names = set()
        self.count = 0
        self.incomplete = []
        self.failed = []

    def add(self, name, label, missing, made=True):
        stem, dot, suffix = name.rpartition(".")
        unique, n = name, 1
        while unique in self.names:
            n += 1
            unique = f"{stem}-{n}{dot}{suffix}"
        self.names.add(unique)
        self.count += 1
        row = [unique, label, "nie" if missing else "tak", ", ".join(missing)]
        if self.pdf:
            row.append("tak" if made else PDF_FAILED)
        if not made:
            self.failed.append(unique)
        self.writer.writerow(row)
        if missing:
            self.incomplete.append((unique, list(missing)))
        return unique

    def text(self):
        return "\ufeff" + self.buffer.getvalue()  # Excel reads UTF-8 with its mark


def _pdf_name(name):
    return name.removesuffix(".docx") + ".pdf"


def _prepare(kind, items, total, template):
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind}")
    if total is None:
        total = len(items)
    if not total:
        raise EmptyBatch()
    data = template if template is not None else rendering.template_bytes(kind)
    return docx_batch.compiled(data, kind), total


def _target(path, suffix):
    if path is None:
        # named by this process: pdf.sweep_leftovers removes it if the process is killed
        handle, name = tempfile.mkstemp(prefix=f"planjst-{os.getpid()}-", suffix=suffix)
        os.close(handle)
        return Path(name)
    return Path(path)


def _report(progress, done, total):
    if progress is not None:
        progress(done, total)
