"""The certificates page and the survey results at the national scale (issue 17): who meets the
completion rule is decided in the database exactly as candidates() decides it in Python; the
pages read the same number of queries for few and many people and answers."""

import re
from datetime import date

import pytest

from models import TeamMembership
from models.plans import Plan
from models.programme import Attendance, Module
from models.surveys import SurveyAnswer, SurveyResponse
from services import settings, surveys
from tests.conftest import add_member, login, make_jst, make_user, page_queries
from tests.surveys.test_surveys import _survey


def _count_queries(client, path):
    return len(page_queries(client, path))


def _attend(module, user, days):
    for day in range(1, days + 1):
        Attendance.create(module=module, user=user, day=day)


@pytest.fixture
def people(world):
    """Two modules (six days); teams with every kind of attendance, joining date and plan."""
    first = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    second = Module.create(number=2, start_date=date(2017, 6, 26), end_date=date(2017, 6, 28))
    for module in (first, second):
        _attend(module, world.participant, 3)  # 100 %
    _attend(first, world.teammate, 3)  # 50 %
    Plan.create(jst=world.jst, status="submitted")
    Plan.create(jst=world.other_jst, status="accepted")
    others = [m.user for m in world.other_jst.memberships]
    _attend(second, others[0], 2)  # 33 %
    late = make_jst("Gmina Późna")
    Plan.create(jst=late, status="returned")
    joined_late = add_member(late)  # joined on the second day of module 2: two days expected
    TeamMembership.update(joined_at=date(2017, 6, 27)).where(
        TeamMembership.user == joined_late
    ).execute()
    _attend(second, joined_late, 2)  # 100 % of what was expected
    after = add_member(late)  # joined after every module: nothing expected, 0 %
    TeamMembership.update(joined_at=date(2017, 12, 1)).where(TeamMembership.user == after).execute()
    add_member(make_jst("Gmina Bez Planu"))  # no plan: counts as a draft
    return first, second


@pytest.mark.parametrize("minimum", [0, 50, 80, 100])
@pytest.mark.parametrize("required", ["none", "submitted", "accepted"])
def test_the_certificates_page_decides_as_candidates_does(app, world, people, minimum, required):
    settings.save({"certificate_min_attendance": str(minimum), "certificate_plan_status": required})
    everyone = surveys.candidates()
    expected = [p for p in everyone if not (p["attendance_ok"] and p["plan_ok"])]
    data = surveys.overview(per_page=100)
    assert (data.people, data.qualifying) == (len(everyone), len(everyone) - len(expected))
    assert data.waiting_total == len(expected)
    assert [
        (p["full_name"], p["jst_name"], p["rate"], p["plan_status"], p["attendance_ok"])
        for p in data.waiting
    ] == [
        (p["user"].full_name, p["jst"].name, p["rate"], p["plan_status"], p["attendance_ok"])
        for p in expected
    ]


def test_certificates_page_search_and_pages(client, world, people):
    login(client, world.coordinator)
    page = client.get("/zaswiadczenia?q=POZNA").get_data(as_text=True)  # diacritics ignored
    assert "Jeszcze nie spełniają warunków (1)" in page and "Gmina Późna" in page
    assert "Spełnia warunki: <strong>2</strong> z 7 uczestników" in page
    page = client.get("/zaswiadczenia?strona=999&strona2=abc").get_data(as_text=True)
    assert "Jeszcze nie spełniają warunków (5)" in page  # past the end: the first page
    for i in range(60):
        add_member(make_jst(f"Gmina Seryjna {i:03}"))
    page = client.get("/zaswiadczenia?strona=2").get_data(as_text=True)
    assert "Strona 2 z 2" in page
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == 65 - 50


def _respond(survey, n, group=None):
    by_kind = {q.kind: q for q in surveys.questions(survey)}
    for i in range(n):
        response = SurveyResponse.create(survey=survey, group=group)
        SurveyAnswer.create(response=response, question=by_kind["rating"], value=str(i % 5 + 1))
        SurveyAnswer.create(response=response, question=by_kind["single"], value="odpowiednie")
        for choice in ("diagnoza", "koalicja"):
            SurveyAnswer.create(response=response, question=by_kind["multiple"], value=choice)
        if i % 4 == 0:
            SurveyAnswer.create(response=response, question=by_kind["text"], value=f"Uwaga {i}")


def test_survey_results_read_the_same_queries_for_few_and_many_answers(client, world):
    survey = _survey(opens=-5, closes=-1)  # closed: its results are shown
    _respond(survey, 5, group=1)
    login(client, world.coordinator)
    paths = [f"/ankiety/{survey.id}/wyniki", f"/ankiety/{survey.id}/wyniki?grupa=1"]
    _count_queries(client, paths[0])  # the first request of a session also refreshes it
    small = [_count_queries(client, p) for p in paths]
    page = client.get(paths[0]).get_data(as_text=True)
    assert "Liczba odpowiedzi: <strong>5</strong>" in page
    assert "średnia <strong>3</strong>" in page and "mediana <strong>3</strong>" in page
    for _ in range(40):
        add_member(world.jst, make_user("participant"))
    _respond(survey, 95, group=1)
    assert [_count_queries(client, p) for p in paths] == small
    page = client.get(paths[0]).get_data(as_text=True)
    assert "Liczba odpowiedzi: <strong>100</strong>" in page
    # ratings 1–5 twenty times each: mean 3, median 3; every respondent ticked two choices
    assert "średnia <strong>3</strong>" in page and "mediana <strong>3</strong>" in page
    compact = re.sub(r"\s+", " ", page)
    assert "odpowiedziało: 100" in compact
    assert '<th scope="row" class="fw-normal">diagnoza</th><td>100</td><td>100%</td>' in compact
    assert page.count("Uwaga ") == 2 + 24  # every fourth respondent wrote a remark
