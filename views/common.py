"""What one blueprint's views share with another's: loading a JST for the current user, the
client's address for the audit log, a deletion the service may refuse, and sending a document
as a download."""

import io
from urllib.parse import quote

from flask import abort, current_app, flash, redirect, render_template, request, send_file
from flask_login import current_user

from lib import pdf
from models import Jst
from services import policy
from services.programme import MAX_ATTACHMENT, AttachmentRefused, check_attachment

from .hardening import UploadNotStored

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


def send_document(data, name, display=None, as_pdf=False):
    """A generated document as a download: the .docx, or (as_pdf) its PDF made by LibreOffice
    (a Polish page saying why when it cannot be made)."""
    if not as_pdf:
        return send_docx(data, name, display)
    try:
        seconds = current_app.config["PDF_REQUEST_SECONDS"]  # made while the user waits
        data = pdf.convert(data, per_document=seconds, startup=0)
    except pdf.PdfError as exc:
        title = "Nie udało się utworzyć PDF"
        return render_template("errors/error.html", code=503, title=title, message=str(exc)), 503
    except OSError as exc:  # the temporary directory cannot take the files: as for an upload
        current_app.logger.error("pdf not made: temporary file failed (%s)", exc)
        raise UploadNotStored() from exc
    name = name.removesuffix(".docx") + ".pdf"
    display = display.removesuffix(".docx") + ".pdf" if display else None
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=display or name,
    )
    return attachment(response, name, display)


def attachment(response, name, display=None):
    """Content-Disposition with our ASCII name as `filename` (werkzeug's fallback would drop
    letters like ł) and the Polish name as `filename*`, as werkzeug writes it (RFC 6266)."""
    names = {"filename": name}
    if display and display != name:
        names["filename*"] = "UTF-8''" + quote(display, safe="!#$&+-.^_`|~")
    response.headers.set("Content-Disposition", "attachment", **names)
    return response
