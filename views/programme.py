"""Views of the programme around the plan (issue 9): modules, working groups, attendance,
implementation tasks, follow-up after the pilot."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.base import first_error
from forms.programme import (
    PROGRESS_CHOICES,
    AttachmentForm,
    ConsultationForm,
    DecisionForm,
    ModuleForm,
    ReportForm,
    SessionForm,
    TaskForm,
)
from models import PROGRAM_GROUPS, Jst, User, db_int
from models.programme import (
    PROGRESS_STATUS,
    REPORT_STATUS,
    SESSION_KINDS,
    Attachment,
    Consultation,
    Module,
    Task,
)
from services import documents, jsts, kept, lists, plans, policy, programme
from services.programme import AttachmentRefused, InUse

from .documents import PDF, send_document
from .jst import load_jst

bp = Blueprint("programme", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [
    ("programme.module_list", "Moduły", "programme.view"),
    ("programme.task_list", "Zadania", "programme.tasks"),
    ("programme.follow_up", "Po pilotażu", "programme.manage"),
]


bp.add_app_template_global(programme.next_module, "programme_next_module")


def _module(module_id):
    return Module.get_or_none(Module.id == module_id) or abort(404)


def _task(task_id):
    return Task.get_or_none(Task.id == task_id) or abort(404)


def _manage():
    policy.require(current_user, "programme.manage")


# ---------- modules ----------


@bp.get("/moduly")
@login_required
def module_list():
    policy.require(current_user, "programme.view")
    items = [(m, programme.sessions(m), programme.task_for(m)) for m in programme.modules()]
    return render_template(
        "programme/modules.html",
        items=items,
        kinds=SESSION_KINDS,
        next_module=programme.next_module(),
        form=EmptyForm(),
    )


@bp.route("/moduly/nowy", methods=["GET", "POST"], defaults={"module_id": None})
@bp.route("/moduly/<int:module_id>", methods=["GET", "POST"])
@login_required
def module_edit(module_id):
    _manage()
    module = _module(module_id) if module_id else None
    form = ModuleForm(obj=module) if request.method == "GET" else ModuleForm()
    if form.validate_on_submit():
        clash = Module.get_or_none(Module.number == form.number.data)
        days = (form.end_date.data - form.start_date.data).days + 1
        in_use = programme.last_day_in_use(module) if module else 0
        overlap = programme.overlapping_module(form.start_date.data, form.end_date.data, module)
        if clash and (module is None or clash.id != module.id):
            form.number.errors.append("Moduł o tym numerze już istnieje.")
        elif overlap is not None:
            form.start_date.errors.append(
                f"W tych dniach trwa moduł {overlap.number} ({programme.module_dates(overlap)})."
            )
        elif in_use > days:
            form.end_date.errors.append(
                f"Moduł ma zajęcia albo zapisaną obecność w dniu {in_use}: skróć go dopiero "
                "po usunięciu tych zajęć i obecności."
            )
        else:
            module = module or Module()
            form.populate_obj(module)
            module.save()
            flash(f"Zapisano moduł {module.number}.", "success")
            return redirect(url_for(".module_edit", module_id=module.id))
    task = programme.task_for(module) if module else None
    task_form = TaskForm(formdata=None, obj=task)
    following = programme.following_module(module) if module and task is None else None
    if following is not None:  # by default the task is due at the next module
        task_form.due_date.data = following.start_date
    return render_template(
        "programme/module_form.html",
        module=module,
        form=form,
        sessions=programme.sessions(module) if module else [],
        group_numbers=sorted(set(programme.group_numbers().values())),
        session_form=SessionForm(formdata=None),
        task_form=task_form,
        kinds=SESSION_KINDS,
        empty=EmptyForm(),
    ), (422 if form.errors else 200)


@bp.post("/moduly/<int:module_id>/zajecia")
@login_required
def session_add(module_id):
    _manage()
    module = _module(module_id)
    form = SessionForm()
    if form.validate_on_submit() and form.day.data <= programme.module_days(module):
        try:
            programme.add_session(
                module,
                form.day.data,
                form.start.data,
                form.end.data,
                form.title.data,
                form.kind.data,
            )
        except InUse as exc:
            flash(f"Nie dodano zajęć: {exc}", "danger")
        else:
            flash("Dodano zajęcia do programu modułu.", "success")
    else:
        errors = "; ".join(e for errs in form.errors.values() for e in errs) or (
            "Dzień spoza modułu."
        )
        flash(f"Nie dodano zajęć: {errors}", "danger")
    return redirect(url_for(".module_edit", module_id=module.id))


@bp.post("/moduly/<int:module_id>/zajecia/<int:session_id>/usun")
@login_required
def session_delete(module_id, session_id):
    _manage()
    module = _module(module_id)
    try:
        programme.delete_session(module, session_id)
    except InUse:
        flash(
            "Nie można usunąć tych zajęć: jest do nich dołączona ankieta ewaluacyjna. "
            "Proszę najpierw usunąć ankietę albo dołączyć ją do całego modułu.",
            "danger",
        )
        return redirect(url_for(".module_edit", module_id=module.id))
    flash("Usunięto zajęcia.", "success")
    return redirect(url_for(".module_edit", module_id=module.id))


@bp.post("/moduly/<int:module_id>/usun")
@login_required
def module_delete(module_id):
    _manage()
    module = _module(module_id)
    try:
        programme.delete_module(module)
    except InUse:
        flash(
            "Nie można usunąć modułu: są do niego zapisane obecności, zadanie wdrożeniowe "
            "albo ankiety ewaluacyjne. Dane zostałyby utracone.",
            "danger",
        )
        return redirect(url_for(".module_edit", module_id=module.id))
    flash(f"Usunięto moduł {module.number}.", "success")
    return redirect(url_for(".module_list"))


@bp.post("/moduly/<int:module_id>/zadanie")
@login_required
def task_save(module_id):
    _manage()
    module = _module(module_id)
    form = TaskForm()
    valid = form.validate_on_submit()
    if valid and form.due_date.data and form.due_date.data < module.end_date:
        form.due_date.errors.append("Termin nie może być przed końcem modułu.")
        valid = False
    if valid:
        task = programme.task_for(module) or Task(module=module)
        form.populate_obj(task)
        task.description = task.description or ""
        task.save()
        flash("Zapisano zadanie wdrożeniowe.", "success")
    else:
        flash(f"Nie zapisano zadania — {first_error(form)}", "danger")
    return redirect(url_for(".module_edit", module_id=module.id))


# ---------- working groups and attendance ----------


def _groups_data():
    """Every active JST (the columns the page and the proposal use) and the saved split."""
    active = list(
        Jst.select(Jst.id, Jst.name, Jst.name_sort, Jst.kind)
        .where(Jst.status == "active")
        .order_by(Jst.name_sort)
    )
    return active, programme.group_numbers()


@bp.route("/grupy", methods=["GET", "POST"])
@login_required
def groups():
    _manage()
    active, saved = kept.kept(("grupy",), _groups_data)
    default = max(saved.values(), default=4)
    count = min(max(request.values.get("liczba", default, type=db_int), 1), 12)
    proposal = dict(kept.kept(("grupy", count), lambda: programme.propose_groups(active, count)))
    if request.method == "POST":
        # the form shows one page of JSTs: the others keep the split it was showing (a new
        # proposal, or the saved split)
        if request.form.get("propozycja") != "1":
            proposal = {jst.id: saved.get(jst.id, proposal[jst.id]) for jst in active}
        assignment = dict(proposal)
        for jst in active:
            if f"jst-{jst.id}" not in request.form:
                continue
            number = request.form.get(f"jst-{jst.id}", type=db_int)
            if number is None or not 1 <= number <= count:
                flash(f"Proszę wybrać grupę dla JST {jst.name}.", "danger")
                return redirect(url_for(".groups", liczba=count))
            assignment[jst.id] = number
        programme.save_groups(assignment)
        flash("Zapisano podział na grupy robocze.", "success")
        return redirect(url_for(".groups"))
    proposing = "liczba" in request.args or not saved
    if not proposing:  # the saved split, to adjust; a JST added since gets the proposal's group
        proposal = {jst.id: saved.get(jst.id, proposal[jst.id]) for jst in active}
    shown, page, pages = lists.page_of(active, lists.int_arg(request.args.get("strona")) or 1)
    sizes = {}
    for number in proposal.values():
        sizes[number] = sizes.get(number, 0) + 1
    return render_template(
        "programme/groups.html",
        jsts=shown,
        page=page,
        pages=pages,
        total=len(active),
        sizes=sorted(sizes.items()),
        saved=saved,
        proposal=proposal,
        proposing=proposing,
        count=count,
        form=EmptyForm(),
    )


def _group_or_404(group):
    if group not in set(programme.group_numbers().values()):
        abort(404)
    return group


@bp.route("/moduly/<int:module_id>/obecnosc/<int:group>", methods=["GET", "POST"])
@login_required
def attendance(module_id, group):
    _manage()
    module = _module(module_id)
    _group_or_404(group)
    people = programme.group_people(group)
    users = [u for u, _j in people]
    days = list(range(1, programme.module_days(module) + 1))
    if request.method == "POST":
        present = set()
        for value in request.form.getlist("obecny"):
            user_id, _sep, day = value.partition(":")
            if user_id.isdigit() and day.isdigit():
                present.add((int(user_id), int(day)))
        programme.save_attendance(module, users, present)
        flash("Zapisano obecność.", "success")
        return redirect(url_for(".attendance", module_id=module.id, group=group))
    return render_template(
        "programme/attendance.html",
        module=module,
        group=group,
        people=people,
        days=days,
        present=programme.attendance(module, users),
        rates=programme.attendance_rates(),
        form=EmptyForm(),
    )


@bp.get("/moduly/<int:module_id>/obecnosc/<int:group>.docx")
@bp.get(
    "/moduly/<int:module_id>/obecnosc/<int:group>.pdf", endpoint="attendance_list_pdf", defaults=PDF
)
@login_required
def attendance_list(module_id, group, as_pdf=False):
    _manage()
    module = _module(module_id)
    _group_or_404(group)
    context, _missing = documents.attendance_context(module, group)
    data = documents.render("lista_obecnosci", context)
    name = f"lista-obecnosci-modul-{module.number}-grupa-{group}.docx"
    return send_document(data, name, as_pdf=as_pdf)


@bp.get("/obecnosc")
@login_required
def attendance_rates():
    _manage()
    args = _list_args()
    rows, page, pages, total = lists.attendance_page(
        args["q"], args["grupa"], lists.int_arg(request.args.get("strona")) or 1
    )
    return render_template(
        "programme/rates.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        args={k: v for k, v in args.items() if v},
        groups=PROGRAM_GROUPS,
    )


def _list_args(**selects):
    """The search, group and `selects` ({name: allowed values}) of a list's query string;
    a value not allowed is dropped."""
    args = {
        "q": lists.text_arg(request.args.get("q")),
        "grupa": lists.int_arg(request.args.get("grupa"), PROGRAM_GROUPS),
    }
    for name, allowed in selects.items():
        value = request.args.get(name, "")
        args[name] = value if value in allowed else ""
    return args


# ---------- implementation tasks ----------


@bp.get("/zadania")
@login_required
def task_list():
    policy.require(current_user, "programme.tasks")
    ids = policy.visible_jst_ids(current_user)
    tasks = list(Task.select(Task, Module).join(Module).order_by(Module.number))
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
            programme.save_report(task, jst, form.text.data)
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
        programme.decide(row, form.decision.data == "accept", form.comment.data or "", current_user)
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
    return render_template(
        "programme/task_print.html",
        task=task,
        rows=[(j, r) for j, r in programme.task_overview(task) if r],
        status=REPORT_STATUS,
    )


# ---------- follow-up after the pilot ----------


@bp.get("/po-pilotazu")
@login_required
def follow_up():
    _manage()
    args = _list_args()
    pending, page, pages, total = lists.follow_up_page(
        args["q"], args["grupa"], False, lists.int_arg(request.args.get("strona")) or 1
    )
    accepted, page2, pages2, total2 = lists.follow_up_page(
        args["q"], args["grupa"], True, lists.int_arg(request.args.get("strona2")) or 1
    )
    available = programme.periods()
    period = _period(available)
    # one consultation form, for the JST picked from the list (?jst=…)
    picked = lists.int_arg(request.args.get("jst"))
    picked = Jst.get_or_none((Jst.id == picked) & (Jst.status == "active")) if picked else None
    form = None
    if picked is not None:
        current = Consultation.get_or_none(Consultation.jst == picked)
        data = {"meeting_date": None, "expert": 0, "outcome": ""}
        if current is not None:
            data = {
                "meeting_date": current.meeting_date,
                "expert": current.expert_id or 0,
                "outcome": current.outcome,
            }
        form = ConsultationForm(formdata=None, data=data)
        form.expert.choices = [(0, "—")] + [(e.id, e.full_name) for e in jsts.experts()]
    args = {k: v for k, v in args.items() if v}
    return render_template(
        "programme/follow_up.html",
        pending=pending,
        accepted=accepted,
        paging=(page, pages, total),
        paging2=(page2, pages2, total2),
        args=args,
        groups=PROGRAM_GROUPS,
        picked=picked,
        period=period,
        periods=available,
        network=programme.network_progress(period),
        statuses=PROGRESS_STATUS,
        form=form,
        empty=EmptyForm(),
    )


def _period(available):
    """The half-year asked for (?polrocze=2018-1) among `available`, else the current one."""
    asked = request.args.get("polrocze")
    return asked if asked in available else programme.current_period()


@bp.post("/jst/<int:jst_id>/konsultacja")
@login_required
def consultation(jst_id):
    jst = load_jst(jst_id, "programme.manage")
    form = ConsultationForm()
    form.expert.choices = [(0, "—")] + [(e.id, e.full_name) for e in jsts.experts()]
    if form.validate_on_submit():
        expert = User.get_or_none((User.id == form.expert.data) & (User.role == "expert"))
        programme.save_consultation(jst, form.meeting_date.data, expert, form.outcome.data or "")
        flash(f"Zapisano spotkanie konsultacyjne: {jst.name}.", "success")
    else:
        flash(f"Nie zapisano spotkania ({jst.name}) — {first_error(form)}", "danger")
    return redirect(url_for(".follow_up"))


@bp.post("/jst/<int:jst_id>/najlepszy-plan")
@login_required
def best_plan(jst_id):
    jst = load_jst(jst_id, "programme.manage")
    programme.mark_best(
        jst, request.form.get("wyroznij") == "1"
    )  # explicit: a double click is harmless
    return redirect(url_for(".follow_up"))


@bp.route("/jst/<int:jst_id>/postep", methods=["GET", "POST"])
@login_required
def progress(jst_id):
    jst = load_jst(jst_id, "progress.view" if request.method == "GET" else "progress.report")
    plan = plans.get_plan(jst)
    period = programme.current_period()  # reports are written for the current half-year
    actions = plans.rows(plan, "dzialania", links=False)
    if request.method == "POST":
        if plan.status != "accepted":
            abort(400)
        entries = []
        for action in actions:
            status = request.form.get(f"status-{action.uid}", "")
            if status in PROGRESS_STATUS:
                comment = (request.form.get(f"komentarz-{action.uid}") or "")[:2000]
                entries.append((action.uid, status, comment))
        programme.save_progress(jst, period, entries)
        flash("Zapisano sprawozdanie z postępu.", "success")
        return redirect(url_for(".progress", jst_id=jst.id))
    available = programme.periods(jst)
    shown = _period(available)
    return render_template(
        "programme/progress.html",
        jst=jst,
        plan=plan,
        period=shown,
        periods=available,
        actions=actions,
        saved=programme.progress(jst, shown),
        choices=PROGRESS_CHOICES,
        form=EmptyForm(),
        can_report=shown == period and policy.can(current_user, "progress.report", jst),
    )
