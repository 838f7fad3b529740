"""Survey answers cannot be tied to who answered from the stored data (issue 15, point 4): a
submission writes who answered and puts the answers into a pool; flush_pending_answers moves
them into the results in shuffled batches of at least three (or at close), in transactions of
their own; no draft or pool row is left readable in the database files."""

import json
import secrets
from datetime import timedelta
from pathlib import Path

from models import db, is_postgres, is_sqlite
from models.surveys import Survey, SurveyAnswer, SurveyDraft, SurveyPending, SurveyResponse
from services import surveys
from tests.conftest import add_member, login
from tests.surveys.test_surveys import TODAY, _survey

SUBMITTED = ["Odpowiedź Adama", "Odpowiedź Basi", "Odpowiedź Celiny", "Odpowiedź Darka"]
STORED = ["Odpowiedź Celiny", "Odpowiedź Adama", "Odpowiedź Darka", "Odpowiedź Basi"]


def _text_question(survey):
    return next(q for q in surveys.questions(survey) if q.kind == "text")


def _team(world, n):
    people = [world.participant, world.teammate, world.other_participant]
    while len(people) < n:
        people.append(add_member(world.other_jst if len(people) % 2 else world.jst))
    return people[:n]


def _submit_texts(survey, people, texts):
    question = _text_question(survey)
    for person, text in zip(people, texts, strict=True):
        surveys.submit(survey, person, {str(question.id): text})


def _database_files():
    path = Path(db.database)
    return [p for p in (path, Path(f"{path}-wal")) if p.exists()]


def test_answers_reach_the_results_in_batches_of_three_or_at_close(client, world):
    survey = _survey()
    people = _team(world, 4)
    _submit_texts(survey, people[:2], SUBMITTED[:2])
    assert SurveyResponse.select().count() == 0 and SurveyAnswer.select().count() == 0
    assert surveys.flush_pending_answers() == (0, 2)  # two could be told apart: they wait
    login(client, world.coordinator)
    page = client.get(f"/ankiety/{survey.id}/wyniki").get_data(as_text=True)
    assert "2 odpowiedzi czekają na zapis partiami" in page
    assert "Wyniki pokażemy po zamknięciu ankiety" in page
    _submit_texts(survey, people[2:3], SUBMITTED[2:3])
    result = client.application.test_cli_runner().invoke(args=["flush-survey-answers"])
    assert result.exit_code == 0, result.output
    assert "Zapisano odpowiedzi: 3; czeka na partię: 0." in result.output
    page = client.get(f"/ankiety/{survey.id}/wyniki").get_data(as_text=True)
    assert "Do wyników trafiło dotąd 3 odpowiedzi" in page and "czeka" not in page
    assert not any(text in page for text in SUBMITTED)  # shown once the survey has closed
    # the last one alone waits while the survey is open, and goes in when it has closed
    _submit_texts(survey, people[3:], SUBMITTED[3:])
    assert surveys.flush_pending_answers() == (0, 1)
    assert "1 odpowiedź czeka na zapis partiami" in client.get(
        f"/ankiety/{survey.id}/wyniki"
    ).get_data(as_text=True)
    Survey.update(closes_on=TODAY - timedelta(days=1)).execute()
    assert surveys.flush_pending_answers() == (1, 0)
    page = client.get(f"/ankiety/{survey.id}/wyniki").get_data(as_text=True)
    assert "Liczba odpowiedzi: <strong>4</strong>" in page
    assert all(text in page for text in SUBMITTED)
    assert SurveyPending.select().count() == 0


def test_a_survey_with_waiting_answers_keeps_its_questions(client, world):
    survey = _survey()
    _submit_texts(survey, [world.participant], ["Jedna"])
    login(client, world.coordinator)
    response = client.post(f"/ankiety/{survey.id}/usun", follow_redirects=True)
    assert "Ankiety z odpowiedziami nie można usunąć" in response.get_data(as_text=True)


class _StoredOrder:
    """Stands in for the random generator: puts a batch in the order STORED, a fixed order that
    is neither the submission order nor its reverse."""

    @staticmethod
    def shuffle(items):
        def text(item):
            if isinstance(item, SurveyPending):
                return json.loads(item.data)[0][1]
            return item["value"]

        items.sort(key=lambda item: STORED.index(text(item)))


def _physical_order():
    """The text answers in the order the database keeps them: PostgreSQL by ctid; SQLite by
    where each cell lies in the file (cells fill a page from its end, in the order written)."""
    if is_postgres():
        return [
            value
            for (value,) in db.execute_sql("SELECT value FROM survey_answer ORDER BY ctid")
            if value in SUBMITTED
        ]
    data = b"".join(p.read_bytes() for p in _database_files())
    offsets = {text: data.find(text.encode()) for text in SUBMITTED}
    assert all(offset >= 0 for offset in offsets.values())
    return sorted(SUBMITTED, key=lambda text: -offsets[text])


def test_the_stored_order_is_the_shuffled_batch_not_the_submission_order(app, world, monkeypatch):
    # what orders a batch for real
    assert isinstance(surveys.answering._random, secrets.SystemRandom)
    monkeypatch.setattr(surveys.answering, "_random", _StoredOrder())
    survey = _survey()
    _submit_texts(survey, _team(world, 4), SUBMITTED)  # one after the other
    assert surveys.flush_pending_answers() == (4, 0)
    assert _physical_order() == STORED
    if is_postgres():  # no answer shares a transaction with a "who answered" row
        done = {x for (x,) in db.execute_sql("SELECT xmin::text FROM survey_done")}
        for table in ("survey_response", "survey_answer"):
            stored = {x for (x,) in db.execute_sql(f"SELECT xmin::text FROM {table}")}
            assert stored and not stored & done, table


def test_no_draft_or_waiting_answer_is_left_in_the_database_files(app, world):
    survey = _survey()
    question = str(_text_question(survey).id)
    people = _team(world, 3)
    for n, person in enumerate(people):
        surveys.save_draft(survey, person, {question: f"Szkic osoby {n} do skasowania"})
    _submit_texts(survey, people, SUBMITTED[:3])
    assert surveys.flush_pending_answers() == (3, 0)
    assert SurveyDraft.select().count() == 0 and SurveyPending.select().count() == 0
    if is_sqlite():
        files = _database_files()
        assert [p.stat().st_size for p in files[1:]] == [0]  # the WAL checkpointed, truncated
        data = b"".join(p.read_bytes() for p in files)
        assert b"do skasowania" not in data  # the drafts (user id + answers) are zeroed
        for text in SUBMITTED[:3]:  # only the anonymous answer, not the pool row
            assert data.count(text.encode()) == 1, text
