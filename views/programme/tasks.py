"""Implementation tasks: the list, the JSTs' reports, decisions and attachments, the printout."""

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from forms.base import first_error
from forms.programme import AttachmentForm, DecisionForm, ReportForm
from models import PROGRAM_GROUPS, Jst
from models.programme import REPORT_STATUS, Attachment, Module, Task, TaskReport
from services import lists, policy, programme
from services.programme import AttachmentRefused

from ..common import load_jst
from .common import _list_args, _manage, _task, bp


@bp.get("/zadania")
@login_required
def task_list():
    policy.require(current_user, "programme.tasks")
    ids = policy.visible_jst_ids(current_user)
    tasks = list(Task.select(Task, Module).join(Module).order_by(Module.number))
    if current_user.role == "participant":
        return _own_tasks(ids, tasks)
    counts, jst_total = lists.task_counts(ids)
    asked = lists.int_arg(request.args.get("zadanie"))
    task = next((t for t in tasks if t.id == asked), tasks[0] if tasks else None)
    args = _list_args(stan=lists.TASK_STATES)
    rows, page, pages, total = [], 1, 1, 0
    if task is not None:
        rows, page, pages, total = lists.task_page(
            task,
            ids,
            args["q"],
            args["grupa"],
            args["stan"],
            lists.int_arg(request.args.get("strona")) or 1,
        )
        args["zadanie"] = task.id
    return render_template(
        "programme/tasks.html",
        tasks=tasks,
        task=task,
        counts=counts,
        jst_total=jst_total,
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        args={k: v for k, v in args.items() if v},
        groups=PROGRAM_GROUPS,
        states=lists.TASK_STATES,
        status=REPORT_STATUS,
    )


def _own_tasks(jst_ids, tasks):
    """A team member's list: each task with their JST's report and what to do about it, not the
    coordinator's grid of counts."""
    jsts = list(Jst.select().where(Jst.id.in_(list(jst_ids))).order_by(Jst.name_sort))
    reports = {
        (r.jst_id, r.task_id): r.status
        for r in TaskReport.select(TaskReport.jst, TaskReport.task, TaskReport.status).where(
            TaskReport.jst.in_([j.id for j in jsts])
        )
    }
    return render_template(
        "programme/my_tasks.html", jsts=jsts, tasks=tasks, reports=reports, status=REPORT_STATUS
    )


@bp.route("/jst/<int:jst_id>/zadania/<int:task_id>", methods=["GET", "POST"])
@login_required
def report(jst_id, task_id):
    jst = load_jst(jst_id, "task.view" if request.method == "GET" else "task.report")
    task = _task(task_id)
    row = programme.report(task, jst)
    form = ReportForm(obj=row) if request.method == "GET" else ReportForm()
    if request.method == "POST" and form.validate_on_submit():
        if row is not None and row.status == "accepted":
            flash("Sprawozdanie zostało już przyjęte.", "info")
        else:
            url = url_for(".report", jst_id=jst.id, task_id=task.id)
            programme.save_report(task, jst, form.text.data, current_user, url, current_app.config)
            flash("Przekazano sprawozdanie ekspertowi.", "success")
        return redirect(url_for(".report", jst_id=jst.id, task_id=task.id))
    return render_template(
        "programme/report.html",
        jst=jst,
        task=task,
        row=row,
        form=form,
        decision=DecisionForm(formdata=None),
        upload=AttachmentForm(formdata=None),
        can_report=policy.can(current_user, "task.report", jst),
        can_decide=policy.can(current_user, "task.decide", jst),
        status=REPORT_STATUS,
        attachments=list(row.attachments) if row else [],
    ), (422 if form.errors else 200)


@bp.post("/jst/<int:jst_id>/zadania/<int:task_id>/decyzja")
@login_required
def report_decide(jst_id, task_id):
    jst = load_jst(jst_id, "task.decide")
    task = _task(task_id)
    row = programme.report(task, jst) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        url = url_for(".report", jst_id=jst.id, task_id=task.id)
        accepted = form.decision.data == "accept"
        comment = form.comment.data or ""
        programme.decide(row, accepted, comment, current_user, url, current_app.config)
        flash("Zapisano decyzję.", "success")
    else:
        flash(f"Nie zapisano decyzji — {first_error(form)}", "danger")
    return redirect(url_for(".report", jst_id=jst.id, task_id=task.id))


@bp.post("/jst/<int:jst_id>/zadania/<int:task_id>/zalaczniki")
@login_required
def attachment_add(jst_id, task_id):
    jst = load_jst(jst_id, "task.report")
    task = _task(task_id)
    row = programme.report(task, jst)
    form = AttachmentForm()
    if row is None:
        flash("Proszę najpierw zapisać sprawozdanie, potem dodać załączniki.", "warning")
    elif form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.read(programme.MAX_ATTACHMENT + 1)
        finally:
            upload.close()
        try:
            programme.add_attachment(row, upload.filename or "plik", data)
        except AttachmentRefused as exc:
            flash(f"Nie dodano załącznika: {exc}", "danger")
        else:
            flash("Dodano załącznik.", "success")
    else:
        flash("Proszę wybrać plik.", "danger")
    return redirect(url_for(".report", jst_id=jst.id, task_id=task.id))


@bp.get("/jst/<int:jst_id>/zalaczniki/<int:attachment_id>")
@login_required
def attachment(jst_id, attachment_id):
    jst = load_jst(jst_id, "task.view")
    item = Attachment.get_or_none(Attachment.id == attachment_id) or abort(404)
    if item.report.jst_id != jst.id:
        abort(404)
    return send_file(
        io.BytesIO(bytes(item.data)),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.filename,
    )


@bp.get("/zadania/<int:task_id>/druk")
@login_required
def task_print(task_id):
    _manage()
    task = _task(task_id)
    args = _list_args()
    reports, page, pages, total = lists.task_reports_page(
        task, args["q"], args["grupa"], lists.int_arg(request.args.get("strona")) or 1
    )
    return render_template(
        "programme/task_print.html",
        task=task,
        reports=reports,
        page=page,
        pages=pages,
        total=total,
        args={k: v for k, v in args.items() if v},
        groups=PROGRAM_GROUPS,
        per_page=lists.PRINT_PER_PAGE,
        status=REPORT_STATUS,
    )
