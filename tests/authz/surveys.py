from datetime import date, timedelta

from models.programme import Attendance, Module, ModuleSession
from models.surveys import Certificate, Question, Survey, SurveyResponse

from . import OK, POST_OK, Case, global_, public
from .documents import PDF_OK

COORDINATOR = global_({"coordinator"})
PARTICIPANT = global_({"participant"})


def setup(world):
    """An open survey with one question, a closed one (its results are shown) with three answers
    of group 1 (the own JST's group; the programme area's setup puts the other JST in group 2),
    a certificate of the participant."""
    module = Module.get_or_none(Module.number == 1) or Module.create(
        number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7)
    )
    today = date.today()
    survey = Survey.create(
        title="Ocena",
        module=module,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=1),
        experts_see_results=True,
    )
    question = Question.create(survey=survey, position=1, kind="text", text="Uwagi", required=False)
    closed = Survey.create(
        title="Ocena zamknięta",
        module=module,
        opens_on=today - timedelta(days=5),
        closes_on=today - timedelta(days=1),
        experts_see_results=True,
    )
    for _ in range(3):
        SurveyResponse.create(survey=closed, group=1)
    # a workshop's open survey: the participant was there, the other JST's participant was not
    workshop = ModuleSession.get_or_none(ModuleSession.module == module) or ModuleSession.create(
        module=module, day=1, start="10:30", end="12:00", title="Warsztat"
    )
    Attendance.get_or_create(module=module, user=world.participant, day=1)
    workshop_survey = Survey.create(
        title="Ocena zajęć",
        module=module,
        session=workshop,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=1),
    )
    Question.create(survey=workshop_survey, position=1, kind="text", text="Uwagi", required=False)
    certificate = Certificate.create(
        user=world.participant,
        number="ZAS/2017/0001",
        code="k" * 32,
        full_name=world.participant.full_name,
        programme="Pilotaż",
        issued_on=date(2017, 11, 17),
    )
    return {
        "survey": survey.id,
        "closed_survey": closed.id,
        "workshop_survey": workshop_survey.id,
        "question": question.id,
        "certificate": certificate.id,
        "code": certificate.code,
    }


def _results():
    expect = global_({"coordinator", "expert"})
    expect["expert_other"] = frozenset({404})  # group 1 is not a group of their JSTs
    return expect


def _present_only(ok=OK):
    """A workshop's survey: the participant present at it; not one who was absent."""
    return {**global_({"participant"}, ok=ok), "participant_other": frozenset({404})}


def _own_certificate(ok=None):
    expect = dict(PARTICIPANT)
    if ok is not None:
        expect = {role: ok if codes == OK else codes for role, codes in expect.items()}
    return {**expect, "participant_other": frozenset({404})}  # has no certificate


CASES = [
    Case("surveys.survey_list", "/ankiety", global_({"coordinator", "expert"})),
    Case("surveys.survey_edit", "/ankiety/nowa", COORDINATOR),
    Case("surveys.survey_edit", "/ankiety/{survey}", COORDINATOR),
    Case(
        "surveys.survey_edit",
        "/ankiety/{survey}",
        global_({"coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case(
        "surveys.question_add",
        "/ankiety/{survey}/pytania",
        global_({"coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case(
        "surveys.question_delete",
        "/ankiety/{survey}/pytania/{question}/usun",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case(
        "surveys.survey_copy",
        "/ankiety/{survey}/kopiuj",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case(
        "surveys.survey_delete",
        "/ankiety/{survey}/usun",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case("surveys.results", "/ankiety/{closed_survey}/wyniki?grupa=1", _results()),
    Case("surveys.results_export", "/ankiety/{closed_survey}/wyniki.csv?grupa=1", _results()),
    Case("surveys.my_surveys", "/ankiety/moje", PARTICIPANT),
    Case("surveys.answer", "/ankiety/{survey}/wypelnij", PARTICIPANT),
    Case(
        "surveys.answer",
        "/ankiety/{survey}/wypelnij",
        global_({"participant"}, ok=POST_OK),
        method="POST",
    ),
    Case("surveys.answer", "/ankiety/{workshop_survey}/wypelnij", _present_only()),
    Case(
        "surveys.answer",
        "/ankiety/{workshop_survey}/wypelnij",
        _present_only(POST_OK),
        method="POST",
    ),
    Case(
        "surveys.workshops_attach",
        "/moduly/{module}/ankiety-zajec",
        global_({"coordinator"}, ok=302),
        method="POST",
        data={"session": "0", "source": "0"},
    ),
    Case("surveys.certificates", "/zaswiadczenia", COORDINATOR),
    Case(
        "surveys.certificates",
        "/zaswiadczenia",
        global_({"coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case(
        "surveys.certificates_issue",
        "/zaswiadczenia/wystaw",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case("surveys.certificate_file", "/zaswiadczenia/{certificate}.docx", COORDINATOR),
    Case("surveys.own_certificate", "/moje-zaswiadczenie.docx", _own_certificate()),
    Case(
        "surveys.certificate_pdf",
        "/zaswiadczenia/{certificate}.pdf",
        global_({"coordinator"}, ok=PDF_OK),
    ),
    Case("surveys.own_certificate_pdf", "/moje-zaswiadczenie.pdf", _own_certificate(PDF_OK)),
    Case("surveys.verify", "/zaswiadczenie/{code}", public()),
]

FORMS = [
    ("coordinator", "/ankiety/nowa"),
    ("coordinator", "/ankiety/{survey}"),
    ("coordinator", "/zaswiadczenia"),
    ("participant_own", "/ankiety/{survey}/wypelnij"),
]
