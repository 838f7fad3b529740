"""The board's fixture (tests/board): a small programme whose every count is known."""

from datetime import date

import pytest

from models.documents import SignedCopy
from models.plans import Plan
from models.programme import Attendance, Module, Task, TaskReport
from models.review import ExpertVisit
from models.surveys import Certificate, Survey, SurveyDone
from tests.conftest import add_member, make_jst

TODAY = date.today()


def _signed(kind, jst=None, participant=None):
    SignedCopy.create(
        kind=kind,
        jst=jst,
        participant=participant,
        received_on=TODAY,
        fingerprint="x",
        filename="a.docx",
        data=b"",
    )


@pytest.fixture
def programme(world):
    """Własna: plan submitted, agreement and both declarations signed, full attendance, a task
    accepted, no visit. Obca: plan accepted, nothing signed, one day of three, a task reported,
    visited. Łódź (group II, łódzkie, no expert): no plan, one member who never came."""
    lodz = make_jst("Miasto Łódź Testowe", kind="gmina_miejska", teryt="1061011")
    lodz_member = add_member(lodz)
    Plan.create(jst=world.jst, status="submitted")
    Plan.create(jst=world.other_jst, status="accepted")
    _signed("deklaracja", jst=world.jst)
    _signed("oswiadczenie", participant=world.participant)
    _signed("oswiadczenie", participant=world.teammate)
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    for user in (world.participant, world.teammate):
        for day in (1, 2, 3):
            Attendance.create(module=module, user=user, day=day)
    others = [m.user for m in world.other_jst.memberships]
    for user in others:
        Attendance.create(module=module, user=user, day=1)
    task = Task.create(module=module, title="Zadanie 1")
    TaskReport.create(task=task, jst=world.jst, status="accepted")
    TaskReport.create(task=task, jst=world.other_jst, status="submitted")
    ExpertVisit.create(jst=world.other_jst, visit_date=date(2017, 5, 10), form="spotkanie")
    survey = Survey.create(
        title="Ocena", module=module, opens_on=date(2017, 4, 5), closes_on=date(2017, 4, 30)
    )
    SurveyDone.create(survey=survey, user=world.participant)
    Certificate.create(
        user=world.participant,
        number="1/2017",
        code="abc",
        full_name="X",
        programme="P",
        issued_on=TODAY,
    )
    return lodz, lodz_member
