"""Issue 30.4: every workshop evaluated — a survey of one session of a module, asked only of
those present at it, anonymously and once, with the results beside the module's."""

import csv
import io
import re
from datetime import date, timedelta

from icalendar import Calendar

from models.programme import Attendance, Module, ModuleSession
from models.review import Notification
from models.surveys import (
    Question,
    Survey,
    SurveyAnswer,
    SurveyDone,
    SurveyPending,
    SurveyResponse,
)
from services import ical, programme, reminders, settings, surveys
from tests.conftest import add_member, login, make_jst, make_user, page_queries
from tests.surveys.test_surveys import TODAY, _survey

START = date(2017, 4, 5)
TITLE = "Ocena zajęć (moduł 1): Diagnoza potrzeb"


class Workshops:
    """Module 1 with two workshops (day 1 and day 2) and who was present: the participant on
    both days, the teammate (same JST) only on day 2, the other JST's participant on day 1."""

    def __init__(self, world):
        self.module = Module.create(number=1, start_date=START, end_date=START + timedelta(2))
        self.first = ModuleSession.create(
            module=self.module, day=1, start="10:30", end="12:00", title="Diagnoza potrzeb"
        )
        self.second = ModuleSession.create(
            module=self.module, day=2, start="09:00", end="10:30", title="Wizja i cele"
        )
        for user, days in (
            (world.participant, (1, 2)),
            (world.teammate, (2,)),
            (world.other_participant, (1,)),
        ):
            for day in days:
                Attendance.create(module=self.module, user=user, day=day)

    def survey(self, session=None, opens=-1, closes=1):
        (survey,) = surveys.attach_to_workshops(self.module, session or self.first)
        survey.opens_on, survey.closes_on = TODAY + timedelta(opens), TODAY + timedelta(closes)
        survey.save()
        return survey


def _present(module, day, n):
    """n more participants (of new JSTs' teams in no group) present on `day`."""
    people = []
    for _ in range(n):
        user = add_member(make_jst(), make_user("participant"))
        Attendance.create(module=module, user=user, day=day)
        people.append(user)
    return people


def _answer(survey, user, text="Dobre zajęcia"):
    values = {}
    for q in surveys.questions(survey):
        values[str(q.id)] = text if q.kind == "text" else "4"
    surveys.submit(survey, user, values)


def _fields(survey):
    data = {"wyslij": "1"}
    for q in surveys.questions(survey):
        data[f"q{q.id}"] = "Więcej ćwiczeń" if q.kind == "text" else "5"
    return data


def test_the_coordinator_attaches_a_survey_to_one_workshop_from_the_module_page(client, world):
    w = Workshops(world)
    login(client, world.coordinator)
    surveys_page = client.get("/ankiety").get_data(as_text=True)  # the menu's "Ankiety"
    assert f'href="/moduly/{w.module.id}#ankiety-zajec"' in surveys_page
    page = client.get(f"/moduly/{w.module.id}").get_data(as_text=True)
    assert "Ankiety zajęć" in page and "Dołącz ankietę" in page
    assert "wszystkie zajęcia modułu bez ankiety" in page
    response = client.post(
        f"/moduly/{w.module.id}/ankiety-zajec", data={"session": w.first.id, "source": 0}
    )
    survey = Survey.get()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/ankiety/{survey.id}")
    assert (survey.module_id, survey.session_id) == (w.module.id, w.first.id)
    assert survey.title == "Ocena zajęć (moduł 1): Diagnoza potrzeb"
    # open from the workshop's day until two weeks after the module
    assert (survey.opens_on, survey.closes_on) == (START, START + timedelta(days=16))
    assert [q.text for q in surveys.questions(survey)] == [
        text for _, text, _, _ in surveys.WORKSHOP_QUESTIONS
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "wypełniają ją tylko uczestnicy obecni w tym dniu modułu" in page
    again = client.post(  # a double click: still one survey
        f"/moduly/{w.module.id}/ankiety-zajec",
        data={"session": w.first.id, "source": 0},
        follow_redirects=True,
    )
    assert "Wybrane zajęcia mają już ankietę." in again.get_data(as_text=True)
    assert Survey.select().count() == 1
    page = client.get(f"/moduly/{w.module.id}").get_data(as_text=True)
    assert f"/ankiety/{survey.id}/wyniki" in page  # beside the workshop in the schedule
    # a workshop of another module is not this module's
    other = Module.create(number=2, start_date=date(2017, 6, 26), end_date=date(2017, 6, 28))
    response = client.post(
        f"/moduly/{other.id}/ankiety-zajec",
        data={"session": w.second.id, "source": 0},
        follow_redirects=True,
    )
    assert "Nie dołączono ankiety — Zajęcia: Nieprawidłowy wybór" in response.get_data(as_text=True)
    assert Survey.select().count() == 1


def test_a_survey_for_every_workshop_of_a_module_at_once(client, world):
    w = Workshops(world)
    template = _survey(module=w.module)  # the module's own survey, its questions reused
    login(client, world.coordinator)
    path = f"/moduly/{w.module.id}/ankiety-zajec"
    response = client.post(path, data={"session": 0, "source": template.id}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Dołączono 2 ankiety do zajęć modułu 1" in page
    made = surveys.workshop_surveys(w.module)
    assert [s.session_id for s in made] == [w.first.id, w.second.id]
    assert [s.opens_on for s in made] == [START, START + timedelta(days=1)]
    for survey in made:
        texts = [q.text for q in surveys.questions(survey)]
        assert texts == ["Ocena całości", "Tempo", "Co pomogło", "Uwagi"]
    # the same click again: nothing new
    again = client.post(path, data={"session": 0, "source": 0}, follow_redirects=True)
    assert "Wybrane zajęcia mają już ankietę." in again.get_data(as_text=True)
    assert Survey.select().count() == 3
    page = client.get(f"/moduly/{w.module.id}").get_data(as_text=True)
    assert "Wszystkie zajęcia modułu mają ankietę." in page
    # the surveys list names each workshop
    page = client.get("/ankiety").get_data(as_text=True)
    assert "Moduł 1: Diagnoza potrzeb" in page and "Moduł 1: Wizja i cele" in page


def test_only_those_present_at_the_workshop_are_asked(client, world):
    w = Workshops(world)
    survey = w.survey(w.first)
    module_survey = _survey(module=w.module)
    # present on day 1: asked on the home page, the surveys list and the form
    for person in (world.participant, world.other_participant):
        login(client, person)
        assert TITLE in client.get("/").get_data(as_text=True)
        assert TITLE in client.get("/ankiety/moje").get_data(as_text=True)
        assert client.get(f"/ankiety/{survey.id}/wypelnij").status_code == 200
        client.post("/logout")
    # absent on day 1, though of the same JST as one who was there: not asked at all
    login(client, world.teammate)
    home = client.get("/").get_data(as_text=True)
    assert TITLE not in home
    assert module_survey.title in home  # the module's survey asks everyone
    assert "Diagnoza potrzeb" not in client.get("/ankiety/moje").get_data(as_text=True)
    assert client.get(f"/ankiety/{survey.id}/wypelnij").status_code == 404
    assert client.post(f"/ankiety/{survey.id}/wypelnij", data=_fields(survey)).status_code == 404
    assert not SurveyDone.select().where(SurveyDone.survey == survey).exists()
    assert SurveyPending.select().count() == 0
    # nor through the service, nor by the reminders or the calendar
    assert [s.id for s, _ in surveys.waiting_for(world.teammate)] == [module_survey.id]
    assert not surveys.may_answer(world.teammate, survey)
    # the workshop of day 2: the teammate is asked, the other JST's participant is not
    second = w.survey(w.second)
    assert surveys.may_answer(world.teammate, second)
    assert not surveys.may_answer(world.other_participant, second)


def test_a_workshop_survey_is_answered_once(client, world):
    w = Workshops(world)
    survey = w.survey()
    login(client, world.participant)
    path = f"/ankiety/{survey.id}/wypelnij"
    response = client.post(path, data=_fields(survey), follow_redirects=True)
    assert "ankieta została wysłana anonimowo" in response.get_data(as_text=True)
    again = client.post(path, data=_fields(survey))
    assert again.status_code == 409
    assert "Ankieta została już wypełniona z tego konta" in again.get_data(as_text=True)
    assert SurveyDone.select().count() == 1 and SurveyPending.select().count() == 1
    home = client.get("/").get_data(as_text=True)
    assert TITLE not in home
    mine = client.get("/ankiety/moje").get_data(as_text=True)
    assert "Wypełnione" in mine and TITLE in mine


def test_workshop_answers_are_stored_without_the_person(client, world):
    w = Workshops(world)
    survey = w.survey()
    people = [world.participant, world.other_participant, *_present(w.module, 1, 1)]
    for n, person in enumerate(people):
        _answer(survey, person, f"Uwaga numer {n}")
    # the pool and the results have no user and no time; "who answered" says nothing of what
    for model in (SurveyPending, SurveyResponse, SurveyAnswer):
        columns = set(model._meta.fields)
        assert not columns & {"user", "created_at", "submitted_at", "at"}, model
    assert set(SurveyDone._meta.fields) == {"id", "survey", "user"}
    for row in SurveyPending.select():
        assert all(str(p.id) not in row.data.split('"') for p in people)
    assert surveys.flush_pending_answers() == (3, 0)  # the same batches as for modules
    assert SurveyPending.select().count() == 0
    assert sorted(
        a.value for a in SurveyAnswer.select().where(SurveyAnswer.value.startswith("Uwaga"))
    ) == ["Uwaga numer 0", "Uwaga numer 1", "Uwaga numer 2"]


def test_results_are_hidden_before_closing_and_below_three(client, world):
    w = Workshops(world)
    module_survey = _survey(module=w.module)
    first, second = w.survey(w.first), w.survey(w.second)
    for person in [world.participant, world.other_participant, *_present(w.module, 1, 1)]:
        _answer(first, person)
    for person in (world.participant, world.teammate):  # two only
        _answer(second, person)
    surveys.flush_pending_answers()
    login(client, world.coordinator)
    # open: nothing shown, on the workshop's page nor beside the module's results
    page = client.get(f"/ankiety/{first.id}/wyniki").get_data(as_text=True)
    assert "Wyniki pokażemy po zamknięciu ankiety" in page and "średnia" not in page
    assert "ankieta zajęć: wypełniają ją tylko uczestnicy obecni w dniu 1 modułu" in page
    page = client.get(f"/ankiety/{module_survey.id}/wyniki").get_data(as_text=True)
    assert "Wyniki zajęć modułu 1" in page
    assert page.count("wyniki po zamknięciu ankiety (") == 2
    assert client.get(f"/ankiety/{first.id}/wyniki.csv").status_code == 302
    # closed: the workshop with three answers is shown, the one with two is hidden
    Survey.update(closes_on=TODAY - timedelta(days=1)).execute()
    surveys.flush_pending_answers()
    page = client.get(f"/ankiety/{module_survey.id}/wyniki").get_data(as_text=True)
    assert "3 odpowiedzi; Jak oceniają Państwo te zajęcia? — średnia <strong>4</strong>" in page
    assert "wyniki ukryte (mniej niż 3 odpowiedzi albo mała grupa)" in page
    page = client.get(f"/ankiety/{second.id}/wyniki").get_data(as_text=True)
    assert "Wyniki są ukryte" in page
    response = client.get(f"/ankiety/{second.id}/wyniki.xlsx", follow_redirects=True)
    assert "Za mało odpowiedzi (mniej niż 3)" in response.get_data(as_text=True)
    response = client.get(f"/ankiety/{first.id}/wyniki.csv")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Jak oceniają Państwo te zajęcia?", "ocena 1–5", "średnia", "4", ""] in rows
    assert ["Co warto zmienić w tych zajęciach?", "odpowiedź opisowa", "Dobre zajęcia", "", ""] in (
        rows
    )


def test_the_response_rate_counts_those_present_only(client, world):
    w = Workshops(world)
    survey = w.survey(w.second)  # day 2: the participant and the teammate
    login(client, world.coordinator)
    page = client.get(f"/ankiety/{survey.id}/wyniki").get_data(as_text=True)
    assert '<tr><th scope="row">razem</th><td>2</td>' in page
    module_survey = _survey(module=w.module)  # everyone of the four teams
    page = client.get(f"/ankiety/{module_survey.id}/wyniki").get_data(as_text=True)
    assert '<tr><th scope="row">razem</th><td>4</td>' in page


def test_only_the_coordinator_attaches_workshop_surveys(client, world):
    w = Workshops(world)
    path = f"/moduly/{w.module.id}/ankiety-zajec"
    for user in (world.participant, world.expert, world.admin):
        login(client, user)
        assert client.post(path, data={"session": 0, "source": 0}).status_code == 403
        assert "Ankiety zajęć" not in client.get("/moduly").get_data(as_text=True)
        client.post("/logout")
    assert Survey.select().count() == 0
    login(client, world.coordinator)
    assert client.post("/moduly/999/ankiety-zajec", data={"session": 0}).status_code == 404


def test_experts_see_a_shared_workshop_beside_the_module_for_their_groups_only(client, world):
    w = Workshops(world)
    programme.save_groups({world.jst.id: 1, world.other_jst.id: 2})
    module_survey = _survey(module=w.module, experts=True)
    shared, private = w.survey(w.first), w.survey(w.second)
    Survey.update(experts_see_results=True).where(Survey.id == shared.id).execute()
    login(client, world.expert)
    page = client.get(f"/ankiety/{module_survey.id}/wyniki?grupa=1").get_data(as_text=True)
    assert f"/ankiety/{shared.id}/wyniki?grupa=1" in page
    assert f"/ankiety/{private.id}/wyniki" not in page
    assert client.get(f"/ankiety/{private.id}/wyniki?grupa=1").status_code == 403
    assert client.get(f"/ankiety/{shared.id}/wyniki?grupa=2").status_code == 404
    assert Question.select().where(Question.survey == shared).count() == 3


def test_the_closing_reminder_and_the_calendar_leave_out_those_absent(app, world):
    w = Workshops(world)
    survey = w.survey(w.first, closes=1)
    app.config["SMTP_HOST"] = "smtp.example.org"
    settings.save({"reminder_survey_days": "2"})
    assert reminders.send_due(app.config)["survey"] == 2  # the two present on day 1
    reminded = {
        m.user_id
        for m in Notification.select().where(Notification.url == f"/ankiety/{survey.id}/wypelnij")
    }
    assert reminded == {world.participant.id, world.other_participant.id}
    for person, asked in ((world.participant, True), (world.teammate, False)):
        calendar = Calendar.from_ical(ical.feed(person))
        summaries = {str(event["summary"]) for event in calendar.walk("VEVENT")}
        assert (f"Ostatni dzień ankiety: {survey.title}" in summaries) is asked


def test_the_module_results_page_needs_the_same_queries_for_one_workshop_or_ten(client, world):
    w = Workshops(world)
    module_survey = _survey(module=w.module)
    w.survey(w.first)
    login(client, world.coordinator)
    path = f"/ankiety/{module_survey.id}/wyniki"
    one = len(page_queries(client, path))
    for n in range(8):
        ModuleSession.create(module=w.module, day=3, start=f"1{n}:00", end="19:00", title=f"Z{n}")
    surveys.attach_to_workshops(w.module)
    people = [world.participant, world.other_participant, *_present(w.module, 1, 2)]
    for person in people:
        _answer(surveys.workshop_surveys(w.module)[0], person)
    closed = Survey.session.is_null(False)  # the workshops' (the module's stays open)
    Survey.update(closes_on=TODAY - timedelta(days=1)).where(closed).execute()
    surveys.flush_pending_answers()
    page = client.get(path).get_data(as_text=True)
    assert page.count("wyniki ukryte") == 9 and "4 odpowiedzi; Jak oceniają" in page
    assert len(page_queries(client, path)) <= one + 1  # the rated answers, once shown


def test_the_report_gives_a_workshop_survey_s_share_of_those_present(client, world):
    w = Workshops(world)
    survey = w.survey(w.first)  # present: the participant, the other one and two more
    people = [world.participant, world.other_participant, *_present(w.module, 1, 2)]
    for person in people[:3]:
        _answer(survey, person)
    Survey.update(closes_on=TODAY - timedelta(days=1)).execute()
    surveys.flush_pending_answers()
    login(client, world.coordinator)
    page = client.get("/raport").get_data(as_text=True)
    section = page.split('id="r-ankiety"')[1].split("</section>")[0]
    row = section.split(survey.title)[1].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["3", "75 %"]  # 3 of 4, not of 6
