"""The batches built as background jobs (issue 16): ZIPs, ZIPs of PDFs and merged .docx of every
document of a kind (built into a temporary file by batches, then streamed), the participants'
register export (the certificates' ZIP is registered by services.surveys.certificates). Each
builder is a generator of the file's bytes reporting progress through its JobContext (see
services/jobs.py); another batch is one more `jobs.register(...)` here."""

from lib import pdf

from .. import jobs, participants
from . import batches, signing
from .kinds import KINDS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EMPTY = "Nie ma żadnego dokumentu do zbudowania: brak aktywnych JST lub członków ich zespołów."
PDF_FAILED = "nie udało się utworzyć PDF (LibreOffice: błąd lub przekroczony czas)"


def _group_suffix(params, sep="-grupa-"):
    return f"{sep}{params['group']}" if params.get("group") else ""


def _built(ctx, build):
    """Build the batch into a temporary file with one of batches' builders (progress
    and cancellation through ctx.progress), fill ctx.missing, then stream the file's bytes and
    remove it — also when the job stops half-way through storing it."""
    kind, group = ctx.params["kind"], ctx.params.get("group")
    items = batches.load_items(kind, group, ctx.actor)
    if not items:
        raise jobs.JobRefused(EMPTY)
    ctx.progress(0, len(items))
    try:
        built = build(kind, items, progress=ctx.progress)
    except batches.EmptyBatch as exc:
        raise jobs.JobRefused(EMPTY) from exc
    except pdf.PdfUnavailable as exc:
        raise jobs.JobRefused(str(exc)) from exc
    ctx.missing = [f"{name}: {', '.join(missing)}" for name, missing in built.incomplete]
    ctx.missing += [f"{name}: {PDF_FAILED}" for name in built.failed]
    yield from streamed(built)


def streamed(built):
    """The built file's bytes, then the file removed — also when the job stops half-way through
    storing it."""
    try:
        with open(built.path, "rb") as file:
            while data := file.read(jobs.CHUNK_BYTES):
                yield data
    finally:
        built.path.unlink(missing_ok=True)


def build_zip(ctx):
    yield from _built(ctx, batches.build_zip)


def build_merged(ctx):
    yield from _built(ctx, batches.build_merged)


def build_pdf(ctx):
    yield from _built(ctx, batches.build_pdf_batch)


def build_merged_pdf(ctx):
    yield from _built(ctx, signing.build_merged_pdf)


def build_signing_packs(ctx):
    """Every active JST's signing pack, in one ZIP."""
    try:
        built = signing.build_packs(ctx.actor, progress=ctx.progress)
    except batches.EmptyBatch as exc:
        raise jobs.JobRefused(EMPTY) from exc
    except pdf.PdfUnavailable as exc:
        raise jobs.JobRefused(str(exc)) from exc
    ctx.missing = [f"{name}: {PDF_FAILED}" for name in built.failed]
    yield from streamed(built)


def build_register(ctx):
    ctx.progress(0, 1)
    data = participants.export_xlsx(ctx.actor)  # audited there, once
    ctx.progress(1, 1)
    yield data


def _personal(params):
    return KINDS[params["kind"]].personal


def _register_batch(name, what, build, infix, extension, mimetype):
    """A batch of one document kind (and maybe one programme group): what it is, its file."""
    jobs.register(
        name,
        jobs.JobKind(
            label=lambda p: f"{what}: {KINDS[p['kind']].label}{_group_suffix(p, ', grupa ')}",
            build=build,
            filename=lambda p: f"{p['kind']}{infix}{_group_suffix(p)}{extension}",
            mimetype=mimetype,
            personal=_personal,
        ),
    )


_register_batch("documents.zip", "ZIP", build_zip, "", ".zip", "application/zip")
_register_batch("documents.merged", "Jeden plik .docx", build_merged, "-wszystkie", ".docx", DOCX)
_register_batch("documents.pdf", "ZIP plików PDF", build_pdf, "-pdf", ".zip", "application/zip")
_register_batch(
    "documents.merged_pdf",
    "Jeden plik PDF",
    build_merged_pdf,
    "-wszystkie",
    ".pdf",
    "application/pdf",
)
jobs.register(
    "signing.packs",
    jobs.JobKind(
        label=lambda p: "ZIP: pakiety dokumentów do podpisu wszystkich JST",
        build=build_signing_packs,
        filename=lambda p: "pakiety-do-podpisu.zip",
        mimetype="application/zip",
        personal=lambda p: True,  # each pack holds the members' declarations
    ),
)
jobs.register(
    "participants.xlsx",
    jobs.JobKind(
        label=lambda p: "Eksport danych uczestników do rejestru UE (XLSX)",
        build=build_register,
        filename=lambda p: "uczestnicy-rejestr-ue.xlsx",
        mimetype=XLSX,
    ),
)
