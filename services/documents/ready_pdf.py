"""A single document's PDF made by the worker, once per version of the document (issue 29.6).

LibreOffice inside a web request held a web worker for seconds per PDF: a few people printing at
once stopped every page. Now a request asks `ask(kind, ref, context, actor)`: the job of this
document's version is one background job (services/jobs.py, kind JOB) whose key is the
document and a digest of everything it prints — its context (today's date, the logo's bytes
included) and the template it is filled into — so a double click or fifty people asking start
one conversion, the finished PDF is served again until the document changes, and a changed
document gets a new one. The file is stored like every job's file (chunks, encrypted when the
kind is personal); when a new version is made, the older versions' files are deleted, and every
file goes after JOB_KEEP_DAYS (housekeeping).

The worker builds the context again from the document's reference (SOURCES) and refuses when its
digest is no longer the one asked for (the data changed meanwhile): the next look by the wait
page asks for the new version."""

import hashlib
import json

from lib import pdf
from models import Jst, User
from models.documents import DocumentTemplate
from models.jobs import Job
from models.programme import Module
from models.surveys import Certificate

from .. import jobs
from . import signing
from .contexts import (
    agreement_context,
    attendance_context,
    certificate_context,
    declaration_context,
    plan_context,
)
from .kinds import KINDS, TEMPLATES
from .rendering import render

JOB = "documents.ready_pdf"
CHANGED = "Dokument zmienił się w czasie tworzenia PDF; tworzony jest PDF jego nowej wersji."
# the certificate's verification link (printed) comes with the request: BASE_URL is the app's
EXTRA = ("verify",)


def _declaration(ref, params, actor):
    user = User.get_or_none((User.id == ref[0]) & (User.role == "participant"))
    return user and declaration_context(user, actor)[0]


def _agreement(ref, params, actor):
    jst = Jst.get_or_none(Jst.id == ref[0])
    return jst and agreement_context(jst)[0]


def _plan(ref, params, actor):
    jst = Jst.get_or_none(Jst.id == ref[0])
    return jst and plan_context(jst, ref[1])[0]


def _attendance(ref, params, actor):
    module = Module.get_or_none(Module.id == ref[0])
    return module and attendance_context(module, ref[1])[0]


def _certificate(ref, params, actor):
    certificate = Certificate.get_or_none(Certificate.id == ref[0])
    return certificate and certificate_context(certificate, params["verify"])


def _pack(ref, params, actor):
    jst = Jst.get_or_none(Jst.id == ref[0])
    own = ref[1] is not None  # a team member's pack: their own declaration only
    reader = User.get_or_none(User.id == ref[1]) if own else actor
    return jst and reader and signing.pack_documents(jst, reader, own, audited=actor is not None)


PACK = "pakiet"  # the signing pack: the agreement, declarations and plan in one PDF
# kind → what the document its reference (ids) names prints — a context, the pack's entries —
# as the worker reads it again to print it (audited as read by who asked)
SOURCES = {
    "oswiadczenie": _declaration,
    "deklaracja": _agreement,
    "plan": _plan,
    "lista_obecnosci": _attendance,
    "zaswiadczenie": _certificate,
    PACK: _pack,
}
TEMPLATES_OF = {PACK: ("deklaracja", "oswiadczenie", "plan")}  # the templates a pack fills
LABELS = {kind: spec.label for kind, spec in KINDS.items()} | {PACK: "Pakiet dokumentów do podpisu"}


def document_of(kind, ref):
    """The document's name in a job's parameters: "plan:12:" (the current plan of JST 12),
    "plan:12:3" (its version 3), "oswiadczenie:7" …"""
    return ":".join([kind, *("" if part is None else str(part) for part in ref)])


def _reference(document):
    kind, *parts = document.split(":")
    return kind, tuple(int(part) if part else None for part in parts)


def _template_identity(kind):
    """The template the document is filled into: an uploaded one by its row, the default file
    by its content (the same on every server, whenever each was deployed; ~50 kB hashed in
    well under a millisecond, only when a PDF is asked for anew)."""
    row = (
        DocumentTemplate.select(DocumentTemplate.id)
        .where(DocumentTemplate.kind == kind)
        .order_by(DocumentTemplate.id.desc())
        .first()
    )
    if row is not None:
        return f"upload:{row.id}"
    return "default:" + hashlib.sha256((TEMPLATES / KINDS[kind].filename).read_bytes()).hexdigest()


def _printable(value):
    if isinstance(value, bytes | bytearray):  # the logo strip: by its digest
        return hashlib.sha256(value).hexdigest()
    return str(value)


def digest(kind, context):
    """A digest of everything the document prints: its context (the pack: its entries) and its
    templates."""
    templates = [_template_identity(k) for k in TEMPLATES_OF.get(kind, (kind,))]
    text = json.dumps([kind, templates, context], sort_keys=True, default=_printable)
    return hashlib.sha256(text.encode()).hexdigest()


def ask(kind, ref, context, actor, extra=None, again=False):
    """The job of this version's PDF: done (the file is ready), queued or running (started now,
    or by an earlier request), or failed (its error says why; `again` starts it anew). `ref`:
    the ids SOURCES[kind] reads; `extra`: what else the worker needs (EXTRA)."""
    params = {"digest": digest(kind, context), "document": document_of(kind, ref), **(extra or {})}
    job = (
        Job.select()
        .where(
            (Job.key == jobs.key_of(JOB, params))
            & Job.state.in_(("queued", "running", "done", "failed"))
        )
        .order_by(Job.id.desc())
        .first()
    )
    if job is not None:
        job = jobs.check(job)  # a dead worker's: retried or failed
        if job.state in ("queued", "running", "done") or (job.state == "failed" and not again):
            return job
    return jobs.start(JOB, params, actor, done_too=True)


def asked(job_id, kind, ref, extra=None):
    """The job `job_id` when it makes this document's PDF (the wait page looks again at the job it
    was shown: the same document, read no more), else None: ask anew — also when it was
    dropped, or refused because the document changed meanwhile."""
    job = job_id and Job.get_or_none((Job.id == job_id) & (Job.kind == JOB))
    if not job:
        return None
    params = json.loads(job.params)
    wanted = {"document": document_of(kind, ref), **(extra or {})}
    if any(params.get(key) != value for key, value in wanted.items()):
        return None
    job = jobs.check(job)
    if job.state in ("cancelled", "expired") or (job.state == "failed" and job.error == CHANGED):
        return None
    return job


def ahead(job):
    """How many PDFs wait in the queue before this one."""
    return (
        Job.select().where((Job.kind == JOB) & (Job.state == "queued") & (Job.id < job.id)).count()
    )


def build(ctx):
    """The worker's part: the document's context built again, filled in, converted; the older
    versions' files of the same document deleted."""
    document = ctx.params["document"]
    kind, ref = _reference(document)
    context = SOURCES[kind](ref, ctx.params, ctx.actor)
    if not context or digest(kind, context) != ctx.params["digest"]:
        raise jobs.JobRefused(CHANGED)
    ctx.progress(0, 1)
    try:
        if kind == PACK:
            jst = Jst.get_by_id(ref[0])
            data = signing.signing_pack(jst, None, ref[1] is not None, entries=context)
        else:
            data = pdf.convert(render(kind, context))
    except pdf.PdfError as exc:
        raise jobs.JobRefused(str(exc)) from exc
    older = Job.select(Job.id).where(
        (Job.kind == JOB)
        & (Job.state == "done")
        & (Job.id != ctx.job_id)
        & Job.params.contains(json.dumps({"document": document})[1:-1])
    )
    jobs.forget(older)
    ctx.progress(1, 1)
    yield data


def _kind(params):
    return params["document"].split(":")[0]


jobs.register(
    JOB,
    jobs.JobKind(
        label=lambda params: f"PDF: {LABELS[_kind(params)]}",
        build=build,
        filename=lambda params: _kind(params) + ".pdf",
        mimetype="application/pdf",
        # the pack holds declarations
        personal=lambda params: _kind(params) == PACK or KINDS[_kind(params)].personal,
        listed=False,
    ),
)
