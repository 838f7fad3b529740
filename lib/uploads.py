"""Checks of an uploaded Office file (.docx, .xlsx: a ZIP archive) before anything parses it:
a readable archive of the right kind, and no zip bomb. The sizes checked are those the archive
declares; Python's zipfile never inflates a member past its declared size."""

import io
import zipfile

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


def stored_name(filename, limit=MAX_NAME):
    """The file name as it is stored: at most `limit` characters, shortened before the extension.
    Whatever checks the extension must check this name — cut at the end, "x"*195 + ".html.pdf"
    would pass as a PDF and be stored (and served) as "xxx….html"."""
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
