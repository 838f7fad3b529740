"""Modules of the programme: their dates, sessions and implementation task."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.auth import EmptyForm
from forms.base import first_error
from forms.programme import ModuleForm, SessionForm, TaskForm
from forms.surveys import workshop_form
from models.programme import SESSION_KINDS, Module, Task
from services import policy, programme, surveys
from services.programme import InUse

from .. import chrome
from ..common import delete_or_say_why
from .common import _manage, _module, bp


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
        workshop_surveys={s.session_id: s for s in surveys.workshop_surveys(module)}
        if module
        else {},
        workshop_form=workshop_form(surveys.workshops_without_survey(module)) if module else None,
        kinds=SESSION_KINDS,
        empty=chrome.TOKEN,  # a token, no form
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
    return delete_or_say_why(
        lambda: programme.delete_session(module, session_id),
        InUse,
        "Usunięto zajęcia.",
        url_for(".module_edit", module_id=module.id),
        why="Nie można usunąć tych zajęć: jest do nich dołączona ankieta ewaluacyjna. "
        "Proszę najpierw usunąć ankietę albo dołączyć ją do całego modułu.",
    )


@bp.post("/moduly/<int:module_id>/usun")
@login_required
def module_delete(module_id):
    _manage()
    module = _module(module_id)
    return delete_or_say_why(
        lambda: programme.delete_module(module),
        InUse,
        f"Usunięto moduł {module.number}.",
        url_for(".module_edit", module_id=module.id),
        then=url_for(".module_list"),
        why="Nie można usunąć modułu: są do niego zapisane obecności, zadanie wdrożeniowe "
        "albo ankiety ewaluacyjne. Dane zostałyby utracone.",
    )


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
