"""The worker's periodic task moves submitted survey answers into the results (issue 16 + 15):
without it they would wait in the pool for ever."""

import tasks
from models.surveys import SurveyPending
from tests.conftest import login
from tests.surveys.test_anonymous_storage import SUBMITTED, _submit_texts, _team
from tests.surveys.test_surveys import _survey


def test_submitted_answers_reach_the_results_after_the_periodic_task(client, world):
    survey = _survey()
    _submit_texts(survey, _team(world, 3), SUBMITTED[:3])
    login(client, world.coordinator)
    page = client.get(f"/ankiety/{survey.id}/wyniki").get_data(as_text=True)
    assert "3 odpowiedzi czekają na zapis partiami" in page
    tasks.flush_survey_answers()  # the periodic task (immediate mode: it runs here)
    page = client.get(f"/ankiety/{survey.id}/wyniki").get_data(as_text=True)
    assert "Do wyników trafiło dotąd 3 odpowiedzi" in page and "czeka" not in page
    assert SurveyPending.select().count() == 0
