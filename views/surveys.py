"""Views of the evaluation surveys and certificates (issue 10)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from config import Defaults
from forms.base import first_error
from forms.surveys import (
    CopyForm,
    QuestionForm,
    RuleForm,
    SurveyForm,
    answer_form_class,
    workshop_form,
)
from lib import plural
from models import db_int
from models.programme import Module, ModuleSession
from models.surveys import QUESTION_KINDS, Certificate, Question, Survey
from services import documents, kept, lists, policy, programme, settings, surveys
from services.surveys import AlreadyAnswered, Locked, Throttled

from . import chrome
from .common import PDF, client_address, delete_or_say_why, send_document

bp = Blueprint("surveys", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = [
    ("surveys.survey_list", "Ankiety", "survey.results"),
    ("surveys.my_surveys", "Ankiety", "survey.answer"),
    ("surveys.certificates", "Zaświadczenia", "certificate.manage"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


bp.add_app_template_global(surveys.waiting_for, "surveys_waiting")


def _survey(survey_id):
    return Survey.get_or_none(Survey.id == survey_id) or abort(404)


def _manage():
    policy.require(current_user, "survey.manage")


def _module_choices():
    return [(m.id, f"Moduł {m.number} ({m.start_date:%d.%m.%Y})") for m in programme.modules()]


# ---------- building (coordinator) ----------


@bp.get("/ankiety")
@login_required
def survey_list():
    policy.require(current_user, "survey.results")
    manage = policy.can(current_user, "survey.manage")
    items = surveys.all_surveys()
    if not manage:  # an expert: surveys whose results the coordinator shared
        items = [(s, n) for s, n in items if s.experts_see_results]
    copy_form = CopyForm(formdata=None)
    copy_form.module.choices = _module_choices()
    return render_template(
        "surveys/list.html",
        items=items,
        manage=manage,
        states=surveys.STATE_LABELS,
        state=surveys.state,
        copy_form=copy_form,
        groups=None if manage else surveys.expert_groups(current_user),
    )


def _survey_form(survey, submitted=True):
    """The survey's settings: as posted, or (submitted=False, or a GET) as saved."""
    saved = not (submitted and request.method == "POST")
    form = SurveyForm(formdata=None, obj=survey) if saved else SurveyForm()
    form.module.choices = _module_choices()
    form.session.choices = [(0, "cały moduł")] + [
        (s.id, f"Moduł {s.module.number}, dzień {s.day}, {s.start}–{s.end}: {s.title}")
        for s in ModuleSession.select(ModuleSession, Module)
        .join(Module)
        .order_by(Module.number, ModuleSession.day, ModuleSession.start)
    ]
    if saved and survey:
        form.module.data, form.session.data = survey.module_id, survey.session_id or 0
    return form


@bp.route("/ankiety/nowa", methods=["GET", "POST"], defaults={"survey_id": None})
@bp.route("/ankiety/<int:survey_id>", methods=["GET", "POST"])
@login_required
def survey_edit(survey_id):
    _manage()
    survey = _survey(survey_id) if survey_id else None
    if not programme.modules():
        flash("Najpierw zdefiniuj moduły szkoleniowe — ankieta dotyczy modułu.", "warning")
        return redirect(url_for("programme.module_list"))
    form = _survey_form(survey)
    if form.validate_on_submit():
        module = Module.get_by_id(form.module.data)
        session = ModuleSession.get_or_none(ModuleSession.id == form.session.data)
        opens_on = form.opens_on.data or surveys.default_dates(module)[0]
        if session and session.module_id != module.id:
            form.session.errors.append("Te zajęcia należą do innego modułu.")
        elif form.closes_on.data and form.closes_on.data < opens_on:
            form.closes_on.errors.append(
                f"Data zamknięcia nie może być przed datą otwarcia ({opens_on:%Y-%m-%d})."
            )
        else:
            survey = surveys.save_survey(
                survey,
                form.title.data,
                module,
                session,
                form.opens_on.data,
                form.closes_on.data,
                form.experts_see_results.data,
            )
            flash("Zapisano ankietę.", "success")
            return redirect(url_for(".survey_edit", survey_id=survey.id))
    return _edit_page(survey, form, QuestionForm(formdata=None))


def _edit_page(survey, form, question_form):
    return render_template(
        "surveys/edit.html",
        survey=survey,
        form=form,
        questions=surveys.questions(survey) if survey else [],
        answered=bool(survey) and surveys.has_answers(survey),
        question_form=question_form,
        kinds=QUESTION_KINDS,
        empty=chrome.TOKEN,  # a token, no form
        open_days=surveys.OPEN_DAYS,
    ), (422 if form.errors or question_form.errors else 200)


@bp.post("/ankiety/<int:survey_id>/pytania")
@login_required
def question_add(survey_id):
    _manage()
    survey = _survey(survey_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            surveys.add_question(
                survey, form.kind.data, form.text.data, form.required.data, form.options.data
            )
        except Locked as exc:
            form.options.errors.append(str(exc))
        else:
            flash("Dodano pytanie.", "success")
            return redirect(url_for(".survey_edit", survey_id=survey.id) + "#pytania")
    return _edit_page(survey, _survey_form(survey, submitted=False), form)


@bp.post("/ankiety/<int:survey_id>/pytania/<int:question_id>/usun")
@login_required
def question_delete(survey_id, question_id):
    _manage()
    survey = _survey(survey_id)
    question = Question.get_or_none((Question.id == question_id) & (Question.survey == survey))
    if question is None:
        abort(404)
    return delete_or_say_why(
        lambda: surveys.delete_question(question),
        Locked,
        "Usunięto pytanie.",
        url_for(".survey_edit", survey_id=survey.id) + "#pytania",
    )


@bp.post("/ankiety/<int:survey_id>/kopiuj")
@login_required
def survey_copy(survey_id):
    _manage()
    source = _survey(survey_id)
    form = CopyForm()
    form.module.choices = _module_choices()
    if not form.validate_on_submit():
        flash("Proszę wybrać moduł, do którego skopiować ankietę.", "danger")
        return redirect(url_for(".survey_list"))
    copy = surveys.copy_survey(source, Module.get_by_id(form.module.data))
    flash(
        f"Skopiowano ankietę do modułu {copy.module.number} — proszę sprawdzić daty i pytania.",
        "success",
    )
    return redirect(url_for(".survey_edit", survey_id=copy.id))


@bp.post("/ankiety/<int:survey_id>/usun")
@login_required
def survey_delete(survey_id):
    _manage()
    survey = _survey(survey_id)
    return delete_or_say_why(
        lambda: surveys.delete_survey(survey),
        Locked,
        "Usunięto ankietę.",
        url_for(".survey_edit", survey_id=survey.id),
        then=url_for(".survey_list"),
    )


@bp.post("/moduly/<int:module_id>/ankiety-zajec")
@login_required
def workshops_attach(module_id):
    """A survey for one workshop of the module, or for each of its workshops at once."""
    _manage()
    module = Module.get_or_none(Module.id == module_id) or abort(404)
    # any workshop of the module: one that got its survey meanwhile (a double click) is said so
    form = workshop_form(programme.sessions(module), submitted=True)
    back = url_for("programme.module_edit", module_id=module.id) + "#ankiety-zajec"
    if not form.validate_on_submit():
        flash(f"Nie dołączono ankiety — {first_error(form)}", "danger")
        return redirect(back)
    session = ModuleSession.get_or_none(ModuleSession.id == form.session.data)
    source = Survey.get_or_none(Survey.id == form.source.data)
    made = surveys.attach_to_workshops(module, session, source)
    if not made:
        flash("Wybrane zajęcia mają już ankietę.", "info")
    elif session is not None:
        flash(f"Dołączono ankietę do zajęć „{session.title}”.", "success")
        return redirect(url_for(".survey_edit", survey_id=made[0].id))
    else:
        flash(
            f"Dołączono {plural.count_pl(len(made), 'ankietę', 'ankiety', 'ankiet')} do zajęć "
            f"modułu {module.number} — każda pyta tylko obecnych na swoich zajęciach.",
            "success",
        )
    return redirect(back)


# ---------- results ----------


def _results_scope(survey):
    """The working group asked for (None: all), checked: experts see only the groups of their
    JSTs, and only where the coordinator allowed it."""
    policy.require(current_user, "survey.results")
    group = request.args.get("grupa", type=db_int)
    if policy.can(current_user, "survey.manage"):
        return group
    if not survey.experts_see_results:
        abort(403)
    if group not in surveys.expert_groups(current_user):
        abort(404)
    return group


@bp.get("/ankiety/<int:survey_id>/wyniki")
@login_required
def results(survey_id):
    survey = _survey(survey_id)
    group = _results_scope(survey)
    manage = policy.can(current_user, "survey.manage")
    data, pending, rates, workshops = kept.kept(
        ("wyniki", survey.id, group, manage),
        lambda: (
            surveys.results(survey, group),
            surveys.pending_count(survey),
            surveys.response_rates(survey) if manage else None,
            # a module's results list its workshops' (each by the same rules)
            surveys.workshop_results(survey.module, group, shared_only=not manage)
            if survey.session_id is None
            else (),
        ),
    )
    return render_template(
        "surveys/results.html",
        survey=survey,
        group=group,
        data=data,
        pending=pending,
        rates=rates,
        groups=[g for g, *_ in rates["rows"] if g is not None]
        if manage
        else surveys.expert_groups(current_user),
        manage=manage,
        min_group=surveys.MIN_GROUP,
        kinds=QUESTION_KINDS,
        workshops=workshops,
        states=surveys.STATE_LABELS,
    )


@bp.get("/ankiety/<int:survey_id>/wyniki.<fmt>")
@login_required
def results_export(survey_id, fmt):
    survey = _survey(survey_id)
    group = _results_scope(survey)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    data = surveys.results(survey, group)
    if data["hidden"]:
        flash(
            f"Za mało odpowiedzi (mniej niż {surveys.MIN_GROUP}), by je wyeksportować."
            if data["released"]
            else "Wyniki będzie można pobrać po zamknięciu ankiety.",
            "warning",
        )
        return redirect(url_for(".results", survey_id=survey.id, grupa=group))
    name = f"ankieta-{survey.id}-wyniki" + (f"-grupa-{group}" if group else "")
    return Response(
        surveys.export(data, fmt),
        mimetype="text/csv" if fmt == "csv" else XLSX,  # werkzeug adds the charset
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


# ---------- answering (participants) ----------


@bp.get("/ankiety/moje")
@login_required
def my_surveys():
    policy.require(current_user, "survey.answer")
    return render_template(
        "surveys/mine.html",
        waiting=surveys.waiting_for(current_user),
        answered=surveys.answered_by(current_user),
        certificate=Certificate.get_or_none(Certificate.user == current_user.id),
    )


def _answers(form, questions):
    return {str(q.id): form[f"q{q.id}"].data for q in questions}


@bp.route("/ankiety/<int:survey_id>/wypelnij", methods=["GET", "POST"])
@login_required
def answer(survey_id):
    policy.require(current_user, "survey.answer")
    survey = _survey(survey_id)
    if not surveys.may_answer(current_user, survey):  # a workshop's: those present only
        abort(404)
    questions = surveys.questions(survey)
    form_class = answer_form_class(questions)
    state = surveys.state(survey)
    answered = surveys.done(survey, current_user).exists()
    if request.method == "GET":
        draft = surveys.load_draft(survey, current_user)
        form = form_class(data={f"q{k}": v for k, v in draft.items()})
    else:
        form = form_class()
    status = 200
    if request.method == "POST" and not answered and state == "open" and form.validate():
        final = "wyslij" in request.form
        if final:
            for q in questions:
                value = form[f"q{q.id}"].data
                if q.required and (value is None or value == "" or value == []):
                    form[f"q{q.id}"].errors.append(
                        "To pytanie jest obowiązkowe — proszę na nie odpowiedzieć."
                    )
        if not form.errors:
            try:
                if final:
                    surveys.submit(survey, current_user, _answers(form, questions))
                    flash("Dziękujemy — ankieta została wysłana anonimowo.", "success")
                    return redirect(url_for(".my_surveys"))
                surveys.save_draft(survey, current_user, _answers(form, questions))
                flash("Zapisano wersję roboczą — ankietę można dokończyć później.", "success")
                return redirect(url_for(".answer", survey_id=survey.id))
            except AlreadyAnswered:
                answered = True
            except Locked:
                state = "closed"
    if request.method == "POST":
        status = 409 if answered or state != "open" else 422
    return render_template(
        "surveys/answer.html",
        survey=survey,
        form=form,
        questions=questions,
        state=state,
        answered=answered,
    ), status


# ---------- certificates ----------


# printed on a certificate while BASE_URL was never set, its verification link would lead nowhere
BASE_URL_MISSING = (
    "Zaświadczeń nie można jeszcze wydrukować: nie ustawiono publicznego adresu aplikacji "
    "(BASE_URL, zmienna PLANJST_BASE_URL) — adres weryfikacji na zaświadczeniu i jego kod QR "
    "wskazywałyby „{url}”. Proszę poprosić administratora serwera o ustawienie adresu, pod którym "
    "aplikacja jest dostępna z zewnątrz."
)


def base_url_problem():
    """The Polish reason certificates cannot be printed, or None. Refused only in a production
    configuration (PostgreSQL, or secure cookies: served over HTTPS) whose BASE_URL was left at
    the default; the demo and a one-machine install serve at that very address (`make run`)."""
    config = current_app.config
    if config["BASE_URL"].rstrip("/") != Defaults.BASE_URL:
        return None
    production = config["DATABASE_URL"].startswith("postgres") or config["SESSION_COOKIE_SECURE"]
    return BASE_URL_MISSING.format(url=Defaults.BASE_URL) if production else None


def base_url_missing():
    """Flash the Polish reason and say True when certificates cannot be printed."""
    problem = base_url_problem()
    if problem:
        flash(problem, "danger")
    return bool(problem)


def _verify_url(certificate):
    """Printed on paper: the public address (BASE_URL), not the host this request came to."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(".verify", code=certificate.code)


@bp.route("/zaswiadczenia", methods=["GET", "POST"])
@login_required
def certificates():
    policy.require(current_user, "certificate.manage")
    min_rate, required = surveys.rule()
    form = RuleForm(data={"min_attendance": min_rate, "plan_status": required})
    if request.method == "POST":
        form = RuleForm()
        if form.validate_on_submit():
            settings.save(
                {
                    "certificate_min_attendance": str(form.min_attendance.data),
                    "certificate_plan_status": form.plan_status.data,
                }
            )
            flash("Zapisano warunki ukończenia szkolenia.", "success")
            return redirect(url_for(".certificates"))
    q = lists.text_arg(request.args.get("q"))
    pages = (  # a page of each table (?strona2=)
        lists.int_arg(request.args.get("strona")) or 1,
        lists.int_arg(request.args.get("strona2")) or 1,
    )
    data = surveys.overview(q, *pages, lists.PER_PAGE)
    return render_template(
        "surveys/certificates.html",
        form=form,
        data=data,
        args={"q": q} if q else {},
        empty=chrome.TOKEN,  # a token, no form
        min_rate=min_rate,
        rule_label=surveys.PLAN_RULES[required],
        base_url_problem=base_url_problem(),  # said before anyone clicks
    ), (422 if form.errors else 200)


@bp.post("/zaswiadczenia/wystaw")
@login_required
def certificates_issue():
    policy.require(current_user, "certificate.manage")
    try:
        count = surveys.issue_certificates(current_user)
    except Locked as exc:
        flash(str(exc), "warning")
    else:
        flash(
            f"Wystawiono zaświadczenia: {count}." if count else "Nikt nowy nie spełnia warunków.",
            "success" if count else "info",
        )
    return redirect(url_for(".certificates"))


def _certificate_file(certificate, as_pdf):
    verify = _verify_url(certificate)
    return send_document(
        "zaswiadczenie",
        lambda: documents.certificate_context(certificate, verify),
        (certificate.id,),
        surveys.certificate_filename(certificate),
        as_pdf=as_pdf,
        extra={"verify": verify},
    )


@bp.get("/zaswiadczenia/<int:certificate_id>.docx")
@bp.get("/zaswiadczenia/<int:certificate_id>.pdf", endpoint="certificate_pdf", defaults=PDF)
@login_required
def certificate_file(certificate_id, as_pdf=False):
    policy.require(current_user, "certificate.manage")
    certificate = Certificate.get_or_none(Certificate.id == certificate_id) or abort(404)
    if base_url_missing():
        return redirect(url_for(".certificates"))
    return _certificate_file(certificate, as_pdf)


@bp.get("/moje-zaswiadczenie.docx")
@bp.get("/moje-zaswiadczenie.pdf", endpoint="own_certificate_pdf", defaults=PDF)
@login_required
def own_certificate(as_pdf=False):
    policy.require(current_user, "certificate.own")
    certificate = Certificate.get_or_none(Certificate.user == current_user.id) or abort(404)
    if base_url_missing():
        return redirect(url_for(".my_surveys"))
    return _certificate_file(certificate, as_pdf)


@bp.get("/zaswiadczenie/<code>")
def verify(code):
    """Public: confirms the name, programme and date of a certificate — nothing else."""
    try:
        certificate = surveys.verify(code, client_address())
    except Throttled:
        return render_template("surveys/verify.html", certificate=None, throttled=True), 429
    return render_template("surveys/verify.html", certificate=certificate, throttled=False), (
        200 if certificate else 404
    )
