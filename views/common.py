"""What one blueprint's views share with another's: loading a JST for the current user, the
client's address for the audit log, a deletion the service may refuse, and sending a document
as a download."""

import io
from urllib.parse import quote, urlencode

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
)
from flask_login import current_user

from models import Jst, db_int
from services import documents, jobs, policy
from services.documents import ready_pdf
from services.programme import MAX_ATTACHMENT, AttachmentRefused, check_attachment

PDF = {"as_pdf": True}  # the URL defaults of a document's .pdf route, next to its .docx one
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def load_jst(jst_id, action):
    """The JST for the current user, every area's views: 404 when it does not exist or is not
    theirs, 403 when it is theirs but `action` is not theirs to do (services.policy)."""
    jst = Jst.get_or_none(Jst.id == jst_id) or abort(404)
    policy.require(current_user, action, jst)
    return jst


def uploaded_attachment(form):
    """The optional file of `form.attachment` through the check of every attachment
    (announcements, network posts): (name, content type, data), None when no file was chosen, or
    False with the reason put at the field."""
    upload = form.attachment.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        data = upload.read(MAX_ATTACHMENT + 1)
    finally:
        upload.close()
    try:
        name, content_type = check_attachment(upload.filename, data)
    except AttachmentRefused as exc:
        form.attachment.errors = [*form.attachment.errors, str(exc)]
        return False
    return name, content_type, data


def client_address():
    return request.remote_addr or ""


def delete_or_say_why(delete, refusal, done, back, then=None, why=None):
    """Run `delete` (a service call); when the service refuses with `refusal` (InUse, Locked…),
    flash why — `why`, or the refusal's own message — and go `back`, nothing deleted. Otherwise
    flash `done` and go to `then` (default: `back`)."""
    try:
        delete()
    except refusal as exc:
        flash(why or str(exc), "danger")
        return redirect(back)
    flash(done, "success")
    return redirect(then or back)


def send_docx(data, name, display=None):
    """A generated Word document as a download (every area's documents go out this way).
    name: the ASCII file name; display: the Polish one (Content-Disposition filename*)."""
    response = send_file(
        io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=display or name
    )
    return attachment(response, name, display)


def send_document(kind, printed, ref, name, display=None, as_pdf=False, extra=None, audit=None):
    """A generated document as a download: the .docx filled in now, or (as_pdf) its PDF made by
    the worker (send_pdf). `printed()`: the document's context (read only when needed: not while
    the wait page looks again); `audit()` records the download when the file is sent."""
    if not as_pdf:
        if audit is not None:
            audit()
        return send_docx(documents.render(kind, printed()), name, display)
    return send_pdf(kind, printed, ref, name, display, extra, audit, docx=True)


_OWN_ARGS = ("ponownie", "stan", "zadanie")  # the wait page's own query arguments


def send_pdf(kind, printed, ref, name, display=None, extra=None, audit=None, docx=False):
    """The PDF of a document (services.documents.ready_pdf: `ref` the ids naming it, `printed()`
    what it prints, `extra` what else the worker needs): sent when the worker has made it, else
    a wait page (202) that looks again at the same address with the job's number (?zadanie=…:
    the same checks, then only the job is read), or the state as JSON for that page's script
    (?stan=1); `docx`: the wait page offers the .docx of the same address."""
    actor = current_user if current_user.is_authenticated else None  # none on a public page
    job = ready_pdf.asked(request.args.get("zadanie", type=db_int), kind, ref, extra)
    try:
        if job is None:
            again = request.args.get("ponownie") == "1"
            job = ready_pdf.ask(kind, ref, printed(), actor, extra, again=again)
    except jobs.QueueUnavailable:
        message = "Kolejka zadań jest chwilowo niedostępna. Proszę spróbować ponownie za chwilę."
        return _pdf_not_made(message)
    name = name.removesuffix(".docx").removesuffix(".pdf") + ".pdf"
    display = display.removesuffix(".docx").removesuffix(".pdf") + ".pdf" if display else None
    if job.state == "done" and not request.args.get("stan"):
        if audit is not None:
            audit()
        response = Response(
            jobs.open_result(job, actor, client_address()),
            mimetype="application/pdf",
        )
        response.headers["Content-Length"] = str(job.result_size)
        response.headers["Cache-Control"] = "no-store"
        return attachment(response, name, display)
    elapsed, _left = jobs.timing(job)
    status = {
        "state": job.state,
        "ahead": ready_pdf.ahead(job) if job.state == "queued" else 0,
        "elapsed": round(elapsed),
    }
    if request.args.get("stan"):
        return jsonify(status), 200, {"Cache-Control": "no-store"}
    kept = [(k, v) for k, v in request.args.items() if k not in _OWN_ARGS]
    if job.state == "failed":
        return _pdf_not_made(job.error, again=_address(request.path, kept + [("ponownie", 1)]))
    page = render_template(
        "documents/pdf_wait.html",
        status=status,
        title=display or name,
        here=_address(request.path, kept + [("zadanie", job.id)]),
        docx=_address(request.path.removesuffix(".pdf") + ".docx", kept) if docx else None,
    )
    return page, 202, {"Cache-Control": "no-store", "Retry-After": "2"}


def _address(path, args):
    return path + ("?" + urlencode(args) if args else "")


def _pdf_not_made(message, again=None):
    title = "Nie udało się utworzyć PDF"
    page = render_template("errors/error.html", code=503, title=title, message=message, again=again)
    return page, 503


def attachment(response, name, display=None):
    """Content-Disposition with our ASCII name as `filename` (werkzeug's fallback would drop
    letters like ł) and the Polish name as `filename*`, as werkzeug writes it (RFC 6266)."""
    names = {"filename": name}
    if display and display != name:
        names["filename*"] = "UTF-8''" + quote(display, safe="!#$&+-.^_`|~")
    response.headers.set("Content-Disposition", "attachment", **names)
    return response
