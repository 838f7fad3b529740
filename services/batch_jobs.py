"""The batches built as background jobs (issue 16): ZIPs and merged .docx of every document of a
kind, the certificates' ZIP, the participants' register export. Each builder is a generator of
the file's bytes reporting progress through its JobContext (see services/jobs.py); another
batch (PDF …) is one more `jobs.register(...)` here."""

from . import documents, jobs, participants, surveys
from .documents import KINDS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EMPTY = "Nie ma żadnego dokumentu do zbudowania: brak aktywnych JST lub członków ich zespołów."
CODE = "__KOD__"  # in the certificates' verification address, replaced by each one's code


def _group_suffix(params, sep="-grupa-"):
    return f"{sep}{params['group']}" if params.get("group") else ""


def _documents(ctx):
    """(kind, items) of the batch, and the index of incomplete documents in ctx.missing."""
    kind, group = ctx.params["kind"], ctx.params.get("group")
    items = documents.batch(kind, group, ctx.actor)
    if not items:
        raise jobs.JobRefused(EMPTY)
    ctx.missing = [f"{name}: {', '.join(missing)}" for name, _context, missing in items if missing]
    return kind, items


def build_zip(ctx):
    kind, items = _documents(ctx)
    yield from documents.zip_stream(kind, ctx.counted(items), documents.template_bytes(kind))


def build_merged(ctx):
    kind, items = _documents(ctx)
    yield documents.merged(kind, ctx.counted(items))


def build_certificates(ctx):
    certificates = surveys.issued()
    if not certificates:
        raise jobs.JobRefused("Nie wystawiono jeszcze żadnego zaświadczenia.")
    verify = ctx.params["verify"]
    items = (
        (
            surveys.certificate_filename(c),
            documents.certificate_context(c, verify.replace(CODE, c.code)),
            [],
        )
        for c in ctx.counted(certificates)
    )
    template = documents.template_bytes("zaswiadczenie")
    yield from documents.zip_stream("zaswiadczenie", items, template)


def build_register(ctx):
    ctx.progress(0, 1)
    data = participants.export_xlsx(ctx.actor)  # audited there, once
    ctx.progress(1, 1)
    yield data


def _personal(params):
    return KINDS[params["kind"]].personal


jobs.register(
    "documents.zip",
    jobs.JobKind(
        label=lambda p: f"ZIP: {KINDS[p['kind']].label}{_group_suffix(p, ', grupa ')}",
        build=build_zip,
        filename=lambda p: f"{p['kind']}{_group_suffix(p)}.zip",
        mimetype="application/zip",
        personal=_personal,
    ),
)
jobs.register(
    "documents.merged",
    jobs.JobKind(
        label=lambda p: f"Jeden plik .docx: {KINDS[p['kind']].label}{_group_suffix(p, ', grupa ')}",
        build=build_merged,
        filename=lambda p: f"{p['kind']}-wszystkie{_group_suffix(p)}.docx",
        mimetype=DOCX,
        personal=_personal,
    ),
)
jobs.register(
    "certificates.zip",
    jobs.JobKind(
        label=lambda p: "ZIP: wszystkie zaświadczenia o ukończeniu szkolenia",
        build=build_certificates,
        filename=lambda p: "zaswiadczenia.zip",
        mimetype="application/zip",
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
