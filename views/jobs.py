"""Background jobs (issue 16): starting a batch (one POST that answers at once), the job's page
with its progress, cancelling, the download of the finished file, the list of recent jobs.
Coordinators only; every coordinator sees every job; the pages do not exist for anyone else."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from models import PROGRAM_GROUPS, db_int
from services import documents, jobs, policy, surveys

from .common import attachment, client_address
from .surveys import base_url_missing

bp = Blueprint("jobs", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [("jobs.recent", "Zadania w tle", "job.manage")]


def _require(action="job.manage"):
    if not policy.can(current_user, action):
        abort(404)


def _load(job_id):
    _require()
    return jobs.get(job_id) or abort(404)


def _start(kind, params, back):
    """Start (or join) the job and land on its page; the queue down: a message, back."""
    try:
        job = jobs.start(kind, params, current_user)
    except jobs.QueueUnavailable:
        flash(
            "Nie udało się zlecić zadania: kolejka zadań jest chwilowo niedostępna. "
            "Proszę spróbować ponownie za chwilę, a jeśli to się powtarza, "
            "powiadomić administratora.",
            "danger",
        )
        return redirect(back)
    return redirect(url_for(".job", job_id=job.id), code=303)


def _group():
    group = request.form.get("grupa", type=db_int)
    return group if group in PROGRAM_GROUPS else None


def _start_batch(job_kind, kind):
    """One document kind's batch (of the programme group the form names), from /dokumenty."""
    _require("doc.manage")
    if kind not in documents.BATCH_KINDS:
        abort(404)
    params = {"kind": kind, "group": _group()}
    return _start(job_kind, params, url_for("documents.overview"))


@bp.post("/zadania-w-tle/dokumenty/<kind>/zip")
@login_required
def start_zip(kind):
    return _start_batch("documents.zip", kind)


@bp.post("/zadania-w-tle/dokumenty/<kind>/scalone")
@login_required
def start_merged(kind):
    return _start_batch("documents.merged", kind)


@bp.post("/zadania-w-tle/dokumenty/<kind>/pdf")
@login_required
def start_pdf(kind):
    return _start_batch("documents.pdf", kind)


@bp.post("/zadania-w-tle/dokumenty/<kind>/scalone-pdf")
@login_required
def start_merged_pdf(kind):
    return _start_batch("documents.merged_pdf", kind)


@bp.post("/zadania-w-tle/pakiety-do-podpisu")
@login_required
def start_signing_packs():
    _require("doc.manage")
    return _start("signing.packs", {}, url_for("documents.overview"))


@bp.post("/zadania-w-tle/zaswiadczenia")
@login_required
def start_certificates():
    _require("certificate.manage")
    if base_url_missing():
        return redirect(url_for("surveys.certificates"))
    # printed on paper: the public address (BASE_URL), not the host this request came to
    verify = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "surveys.verify", code=surveys.certificates.CODE
    )
    return _start("certificates.zip", {"verify": verify}, url_for("surveys.certificates"))


@bp.post("/zadania-w-tle/uczestnicy")
@login_required
def start_register():
    _require("pii.manage")
    return _start("participants.xlsx", {}, url_for("participants.status"))


@bp.get("/zadania-w-tle")
@login_required
def recent():
    _require()
    rows = [(job, jobs.label(job)) for job in jobs.recent()]
    return render_template("jobs/list.html", rows=rows, states=jobs.STATES)


def _status(job):
    elapsed, left = jobs.timing(job)
    return {
        "state": job.state,
        "state_label": jobs.state_label(job),
        "done": job.done,
        "total": job.total,
        "elapsed": round(elapsed),
        "left": None if left is None else round(left),
    }


@bp.get("/zadania-w-tle/<int:job_id>")
@login_required
def job(job_id):
    job = jobs.check(_load(job_id))
    status = _status(job)
    return render_template(
        "jobs/job.html",
        job=job,
        label=jobs.label(job),
        status=status,
        missing=[line for line in job.missing.splitlines() if line],
        form=EmptyForm(),
    )


@bp.get("/zadania-w-tle/<int:job_id>/stan")
@login_required
def status(job_id):
    """The job's state for the page's script (progress without reloading)."""
    return jsonify(_status(jobs.check(_load(job_id))))


@bp.post("/zadania-w-tle/<int:job_id>/anuluj")
@login_required
def cancel(job_id):
    job = _load(job_id)
    if jobs.cancel(job):
        flash("Anulowano zadanie; niczego nie zapisano.", "success")
    else:
        flash("Zadanie już się zakończyło.", "info")
    return redirect(url_for(".job", job_id=job.id))


@bp.get("/zadania-w-tle/<int:job_id>/plik")
@login_required
def download(job_id):
    job = _load(job_id)
    if job.state != "done":
        abort(404)
    chunks = jobs.open_result(job, current_user, client_address())
    response = Response(chunks, mimetype=job.result_mimetype)
    response.headers["Content-Length"] = str(job.result_size)
    response.headers["Cache-Control"] = "no-store"
    return attachment(response, job.result_name)
