"""PDF of Word documents, by LibreOffice headless (`soffice --convert-to pdf`).

Each process uses a LibreOffice user profile of its own (two soffice sharing one would hand the
work to each other or fail), one soffice at a time; many documents go to one soffice start (the
start costs more than a document); every document has a time limit, past which the whole
process group is killed and the rest go to a new start.

A document may name addresses (a picture only linked, not embedded, fetched for every PDF of
that kind: second audit). The conversion reaches nothing, twice over: the profile tells
LibreOffice to load no link from a document (BlockUntrustedRefererLinks, which stopped the fetch
in Debian's LibreOffice 7.4), and soffice runs in a network namespace of its own with no
interface (`unshare --net --map-root-user`) where the system allows it."""

import atexit
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from . import metrics

PER_DOCUMENT = 60  # seconds a document may take
STARTUP = 60  # seconds more for LibreOffice's start (the first creates its profile)
POLL = 0.2  # seconds between looks at what is done (and chances to cancel)
MISSING = (
    "Nie można utworzyć PDF: na serwerze nie zainstalowano LibreOffice (administrator: "
    "apt-get install libreoffice-writer-nogui)."
)


class PdfError(Exception):
    """The conversion failed; the message (Polish) says why."""


class PdfUnavailable(PdfError):
    """LibreOffice is not installed."""


def available():
    return shutil.which("soffice") is not None


# LibreOffice runs at a lower CPU priority than its caller: a PDF asked for in a web request
# leaves the other requests their share, and the worker (niced already) lower still
_NICE = ("nice", "-n", "10") if shutil.which("nice") else ()
_LOCK = threading.Lock()  # one soffice per process at a time: they would share the profile
_PROFILES = set()
_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def _profile():
    """This process's LibreOffice profile (removed when the process ends), made to load no
    link a document names."""
    path = Path(tempfile.gettempdir()) / f"planjst-lo-{os.getpid()}"
    if path not in _PROFILES:
        _PROFILES.add(path)
        atexit.register(shutil.rmtree, path, True)
    return blocking_links(path)


def blocking_links(path):
    """`path`, a LibreOffice profile that loads no link a document names."""
    settings = path / "user" / "registrymodifications.xcu"
    if not settings.exists():  # LibreOffice keeps the setting when it rewrites the file
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(_SETTINGS, encoding="utf-8")
    return path


# accessible PDF (ustawa o dostępności cyfrowej): tagged (structure, headings, table headers,
# language, alt text) and PDF/A-2b, the title shown instead of the file name. LibreOffice 7.4
# takes the export filter's options as JSON after the filter name (checked on Debian's 7.4.7:
# pdfinfo "Tagged: yes", XMP pdfaid:part 2)
EXPORT_OPTIONS = {
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "SelectPdfVersion": {"type": "long", "value": "2"},  # PDF/A-2b
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
}
CONVERT_TO = "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":"))

_OFFLINE = ("unshare", "--net", "--map-root-user")
_offline_works = None


def _offline():
    """The command prefix that runs soffice without a network, () where the system forbids new
    namespaces (then the profile's setting alone keeps the links unloaded)."""
    global _offline_works
    if _offline_works is None:
        try:
            result = subprocess.run([*_OFFLINE, "true"], capture_output=True, timeout=10)
            _offline_works = result.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _offline_works = False
        if not _offline_works:
            logging.getLogger(__name__).warning(
                "LibreOffice runs with the network (unshare --net is not allowed here); "
                "links in documents stay unloaded by its setting only"
            )
    return _OFFLINE if _offline_works else ()


def temporary_directory():
    """A temporary directory named by this process (sweep_leftovers finds a dead one's)."""
    return tempfile.TemporaryDirectory(prefix=f"planjst-pdf-{os.getpid()}-")


# what this process leaves in the temporary directory: its profile, its work directories and
# files (services/batches.py), each named with its pid
_LEFTOVER = re.compile(r"^planjst-(?:lo-|pdf-)?(\d+)(?:-|$)")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to sweep
        return True
    return True


def sweep_leftovers():
    """What a process killed outright (SIGKILL, out of memory) left on this machine: the
    LibreOffice it started (its own process group, so it outlived it) and its temporary files.
    The worker calls this as it starts; returns the paths removed."""
    tmp = Path(tempfile.gettempdir())
    dead = {}
    for path in tmp.glob("planjst-*"):
        match = _LEFTOVER.match(path.name)
        if match and not _alive(int(match.group(1))):
            dead.setdefault(int(match.group(1)), []).append(path)
    for pid, paths in dead.items():
        _kill_soffice_of(f"planjst-lo-{pid}")
        for path in paths:
            shutil.rmtree(path, True) if path.is_dir() else path.unlink(missing_ok=True)
    return [path for paths in dead.values() for path in paths]


def _kill_soffice_of(profile):
    """Kill the process groups of the LibreOffice processes started with that profile."""
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if profile.encode() in (proc / "cmdline").read_bytes():
                os.killpg(os.getpgid(int(proc.name)), signal.SIGKILL)
        except (OSError, ValueError):  # gone meanwhile, or not ours
            continue


def convert(data, per_document=PER_DOCUMENT, startup=STARTUP):
    """The PDF bytes of one .docx (PdfError when it cannot be made within startup +
    per_document seconds)."""
    with temporary_directory() as tmp:
        source = Path(tmp) / "dokument.docx"
        source.write_bytes(data)
        (result,) = convert_files([source], Path(tmp) / "pdf", None, per_document, startup)
        if result is None:
            raise PdfError(
                "LibreOffice nie przekształcił dokumentu w PDF (błąd dokumentu albo przekroczony "
                f"czas {startup + per_document:g} s). Proszę pobrać plik .docx albo spróbować "
                "ponownie później."
            )
        return result.read_bytes()


def convert_files(sources, outdir, progress=None, per_document=PER_DOCUMENT, startup=STARTUP):
    """[the PDF of each source (outdir/<stem>.pdf), or None where LibreOffice failed or took
    longer than per_document seconds], in the sources' order (their stems must differ).
    progress(done, total) is called as PDFs appear; whatever it raises stops the conversion (the
    soffice process group killed) and is passed on."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise PdfUnavailable(MISSING)
    sources = [Path(s) for s in sources]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    outputs = [outdir / f"{s.stem}.pdf" for s in sources]
    results = [None] * len(sources)
    start = 0
    with _LOCK:
        while start < len(sources):
            done = _run(soffice, sources, outputs, start, progress, (startup, per_document))
            for i in range(start, done):
                results[i] = outputs[i] if _made(outputs[i]) else None
            start = done + 1 if done < len(sources) else done  # past the one that hung
    made = sum(result is not None for result in results)
    metrics.PDF_DOCUMENTS.labels("made").inc(made)
    metrics.PDF_DOCUMENTS.labels("failed").inc(len(results) - made)
    if progress is not None:
        progress(len(sources), len(sources))
    return results


def _made(path):
    return path.exists() and path.stat().st_size > 0


def _run(soffice, sources, outputs, start, progress, limits):
    """Convert sources[start:] in one soffice; the index up to which it got: len(sources) when it
    finished, else the index of the document it was killed on."""
    command = [
        *_NICE,
        *_offline(),
        soffice,
        f"-env:UserInstallation={_profile().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        CONVERT_TO,
        "--outdir",
        str(outputs[0].parent),
        *(str(s) for s in sources[start:]),
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: soffice.bin dies with it
    )
    startup, per_document = limits
    current = start
    began = time.monotonic()
    deadline = began + startup + per_document
    outcome = "killed"  # unless it finishes (or its caller stops it)
    try:
        while True:
            try:
                process.wait(POLL)
                outcome = "finished"
                return len(sources)
            except subprocess.TimeoutExpired:
                pass
            while current < len(sources) and outputs[current].exists():
                current += 1
                deadline = time.monotonic() + per_document
            if progress is not None:
                try:
                    progress(current, len(sources))
                except BaseException:
                    outcome = "stopped"
                    raise
            if time.monotonic() > deadline:
                return current
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        metrics.PDF_SECONDS.labels(outcome).observe(time.monotonic() - began)
