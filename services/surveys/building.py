"""Building surveys: their questions, dates and copies (refused once answers exist)."""

from datetime import timedelta

from peewee import JOIN, fn

from lib.formatting import today_local
from models import locked, write_tx
from models.programme import Module, ModuleSession
from models.surveys import (
    Question,
    Survey,
    SurveyPending,
    SurveyResponse,
)

from .base import OPEN_DAYS, Locked


def all_surveys():
    """[(survey, responses)] newest module first."""
    counts = dict(
        SurveyResponse.select(SurveyResponse.survey, fn.COUNT(SurveyResponse.id))
        .group_by(SurveyResponse.survey)
        .tuples()
    )
    query = (
        Survey.select(Survey, Module, ModuleSession)
        .join(Module)
        .switch(Survey)
        .join(ModuleSession, JOIN.LEFT_OUTER)
        .order_by(Module.number.desc(), Survey.id)
    )
    return [(s, counts.get(s.id, 0)) for s in query]


def questions(survey):
    return list(survey.questions.order_by(Question.position))


def default_dates(module):
    return module.end_date, module.end_date + timedelta(days=OPEN_DAYS)


def state(survey, today=None):
    today = today or today_local()  # surveys open and close by the Polish calendar
    if today < survey.opens_on:
        return "planned"
    return "open" if today <= survey.closes_on else "closed"


STATE_LABELS = {"planned": "zaplanowana", "open": "otwarta", "closed": "zamknięta"}


def has_answers(survey):
    """Answers stored or waiting for their batch."""
    return (
        SurveyResponse.select().where(SurveyResponse.survey == survey).exists()
        or SurveyPending.select().where(SurveyPending.survey == survey).exists()
    )


def save_survey(survey, title, module, session, opens_on, closes_on, experts_see_results):
    default_open, default_close = default_dates(module)
    if survey is None:  # a new one just like one made moments ago is that one (a double click)
        survey = Survey.get_or_none(
            (Survey.title == title) & (Survey.module == module) & (Survey.session == session)
        )
        if survey is not None and not has_answers(survey) and not questions(survey):
            return survey
        survey = None
    survey = survey or Survey()
    survey.title = title
    survey.module = module
    survey.session = session
    survey.opens_on = opens_on or default_open
    survey.closes_on = closes_on or default_close
    survey.experts_see_results = experts_see_results
    with write_tx():
        survey.save()
    return survey


def _refuse_if_answered(survey):
    if has_answers(survey):
        raise Locked("Ankieta ma już odpowiedzi — jej pytań nie można zmieniać. Skopiuj ją.")


def add_question(survey, kind, text, required, options):
    choices = [line.strip() for line in options.splitlines() if line.strip()]
    if kind in ("single", "multiple") and len(choices) < 2:
        raise Locked("Pytanie wyboru potrzebuje co najmniej dwóch odpowiedzi (po jednej w linii).")
    if len(set(choices)) != len(choices):
        raise Locked("Odpowiedzi do wyboru nie mogą się powtarzać.")
    options = "\n".join(choices) if kind in ("single", "multiple") else ""
    with write_tx():
        _refuse_if_answered(survey)
        same = Question.get_or_none(
            (Question.survey == survey)
            & (Question.kind == kind)
            & (Question.text == text)
            & (Question.options == options)
        )
        if same is not None:  # the same question again (a double click): asked once
            return same
        position = (
            Question.select(fn.MAX(Question.position)).where(Question.survey == survey).scalar()
            or 0
        )
        return Question.create(
            survey=survey,
            position=position + 1,
            kind=kind,
            text=text,
            required=required,
            options=options,
        )


def delete_question(question):
    with write_tx():
        _refuse_if_answered(question.survey)
        question.delete_instance()


def delete_survey(survey):
    with write_tx():
        if has_answers(survey):
            raise Locked("Ankiety z odpowiedziami nie można usunąć — wyniki zniknęłyby z nią.")
        survey.delete_instance(recursive=True)


def copy_survey(source, module):
    """The same questions for another module, open by default after it."""
    opens_on, closes_on = default_dates(module)
    with write_tx():
        copy = Survey.create(
            title=source.title,
            module=module,
            session=None,
            opens_on=opens_on,
            closes_on=closes_on,
            experts_see_results=source.experts_see_results,
        )
        for q in questions(source):
            Question.create(
                survey=copy,
                position=q.position,
                kind=q.kind,
                text=q.text,
                required=q.required,
                options=q.options,
            )
    return copy


# a workshop's short survey, unless the coordinator takes the questions of another survey
WORKSHOP_QUESTIONS = [
    ("rating", "Jak oceniają Państwo te zajęcia?", True, ""),
    ("rating", "Na ile zajęcia pomogą w pracy nad planem JST?", True, ""),
    ("text", "Co warto zmienić w tych zajęciach?", False, ""),
]


def workshop_surveys(module):
    """The surveys of the module's workshops (its sessions), in the order of the schedule."""
    return list(
        Survey.select(Survey, ModuleSession)
        .join(ModuleSession)
        .where(Survey.module == module)
        .order_by(ModuleSession.day, ModuleSession.start, Survey.id)
    )


def _without_survey(module):
    taken = Survey.select(Survey.session).where(Survey.session.is_null(False))
    return ModuleSession.select().where(
        (ModuleSession.module == module) & ModuleSession.id.not_in(taken)
    )


def workshops_without_survey(module):
    return list(_without_survey(module).order_by(ModuleSession.day, ModuleSession.start))


def attach_to_workshops(module, session=None, source=None):
    """A short survey for one workshop (`session`) or for each workshop of the module that has
    none yet (`session` None) — the questions of `source`, or WORKSHOP_QUESTIONS; open from the
    workshop's day until OPEN_DAYS after the module. Returns the surveys made ([] when every
    workshop has one already: a second click adds nothing)."""
    with write_tx():
        # two clicks at once on PostgreSQL: the second waits here, then finds the surveys made
        list(locked(ModuleSession.select().where(ModuleSession.module == module)))
        sessions = _without_survey(module)
        if session is not None:
            sessions = sessions.where(ModuleSession.id == session.id)
        items = (
            [(q.kind, q.text, q.required, q.options) for q in questions(source)]
            if source
            else WORKSHOP_QUESTIONS
        )
        made = []
        for workshop in sessions.order_by(ModuleSession.day, ModuleSession.start):
            survey = Survey.create(
                title=f"Ocena zajęć (moduł {module.number}): {workshop.title}"[:200],
                module=module,
                session=workshop,
                opens_on=min(module.start_date + timedelta(days=workshop.day - 1), module.end_date),
                closes_on=default_dates(module)[1],
                experts_see_results=bool(source and source.experts_see_results),
            )
            Question.insert_many(
                [
                    {
                        "survey": survey,
                        "position": n,
                        "kind": kind,
                        "text": text,
                        "required": required,
                        "options": options,
                    }
                    for n, (kind, text, required, options) in enumerate(items, start=1)
                ]
            ).execute()
            made.append(survey)
    return made
