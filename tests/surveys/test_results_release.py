"""Issue 25.3: one person's survey answer cannot be isolated by looking at the results (or at
who has answered) twice. Answers reach the results in batches of at least 3 per survey, not per
working group, so a group's view could grow by one answer between two looks; the board showed
per JST who had answered the moment they submitted."""

import csv
import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook

from models.programme import Module
from models.surveys import Survey
from services import programme, surveys
from tests.conftest import add_member, login

TODAY = date.today()


def _survey(world):
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    survey = surveys.save_survey(
        None,
        "Ocena modułu",
        module,
        None,
        TODAY - timedelta(days=1),
        TODAY + timedelta(days=1),
        True,
    )
    surveys.add_question(survey, "rating", "Ocena całości", True, "")
    surveys.add_question(survey, "text", "Uwagi", False, "")
    programme.save_groups({world.jst.id: 1, world.other_jst.id: 2})
    return survey


def _answer(survey, user, text):
    rating, remark = surveys.questions(survey)
    surveys.submit(survey, user, {str(rating.id): "4", str(remark.id): text})


def _close(survey):
    Survey.update(closes_on=TODAY - timedelta(days=1)).where(Survey.id == survey.id).execute()
    surveys.flush_pending_answers()


def _seen_page(client, path):
    """(answers counted, free-text answers) a results page shows; (0, []) when it shows none."""
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    count = re.search(r"Liczba odpowiedzi: <strong>(\d+)</strong>", page)
    texts = re.findall(r'<li class="preserve-lines">(.*?)</li>', page)
    return (int(count.group(1)) if count else 0, sorted(texts))


def _seen_xlsx(client, path):
    response = client.get(path)
    if response.status_code != 200:  # too few answers: back to the page with a message
        return (0, [])
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.data)).active]
    count = sum(int(r[3]) for r in rows[1:] if r[0] == "Ocena całości" and r[4])  # not the mean
    return (count, sorted(r[2] for r in rows[1:] if r[1] == "odpowiedź opisowa"))


def _looks(client, survey):
    """What the expert of group 1 and the coordinator see now, per view."""
    base = f"/ankiety/{survey.id}/wyniki"
    return {
        "grupa 1": _seen_page(client, f"{base}?grupa=1"),
        "grupa 1 XLSX": _seen_xlsx(client, f"{base}.xlsx?grupa=1"),
    }


def _changed_by_fewer_than_3(before, after):
    found = []
    for view, (count, texts) in after.items():
        old_count, old_texts = before[view]
        new_texts = list(texts)
        for text in old_texts:
            if text in new_texts:
                new_texts.remove(text)
        if 0 < abs(count - old_count) < 3 or 0 < len(new_texts) < 3:
            found.append((view, old_count, count, new_texts))
    return found


def test_a_group_never_grows_by_one_answer_between_two_looks(client, world):
    survey = _survey(world)
    group1 = [world.participant, world.teammate, add_member(world.jst), add_member(world.jst)]
    group2 = [world.other_participant, add_member(world.other_jst), add_member(world.other_jst)]
    login(client, world.expert)
    looks = [_looks(client, survey)]
    for user, text in zip(group1[:3], ("Pierwsza", "Druga", "Trzecia"), strict=True):
        _answer(survey, user, text)
    surveys.flush_pending_answers()
    looks.append(_looks(client, survey))
    # four more answers, one of them in group 1: the next batch
    _answer(survey, group1[3], "Sekret jednej osoby")
    for user in group2:
        _answer(survey, user, "Z grupy 2")
    surveys.flush_pending_answers()
    looks.append(_looks(client, survey))
    _close(survey)
    looks.append(_looks(client, survey))
    for before, after in zip(looks, looks[1:], strict=False):
        assert _changed_by_fewer_than_3(before, after) == [], looks
    assert "Sekret jednej osoby" in looks[-1]["grupa 1"][1]  # the results, once closed
    page = client.get(f"/ankiety/{survey.id}/wyniki?grupa=1").get_data(as_text=True)
    assert "po zamknięciu ankiety" not in page


def test_results_wait_for_the_survey_to_close_and_say_so(client, world):
    survey = _survey(world)
    for user in (world.participant, world.teammate, add_member(world.jst)):
        _answer(survey, user, "Uwaga")
    surveys.flush_pending_answers()
    login(client, world.coordinator)
    page = client.get(f"/ankiety/{survey.id}/wyniki?grupa=1").get_data(as_text=True)
    assert "Uwaga" not in page and "po zamknięciu ankiety" in page
    response = client.get(f"/ankiety/{survey.id}/wyniki.csv?grupa=1", follow_redirects=True)
    assert "Uwaga" not in response.get_data(as_text=True)


def test_hidden_groups_are_never_fewer_than_3_answers_together(client, world):
    """Group 2 with two answers is hidden; "all" minus group 1 would show them: group 1 (the
    smallest shown) is hidden with it, and the coordinator's "all" keeps every answer."""
    survey = _survey(world)
    for user, text in zip(
        (world.participant, world.teammate, add_member(world.jst)), "ABC", strict=True
    ):
        _answer(survey, user, f"Grupa 1 {text}")
    for user in (world.other_participant, add_member(world.other_jst)):
        _answer(survey, user, "Grupa 2")
    _close(survey)
    login(client, world.coordinator)
    base = f"/ankiety/{survey.id}/wyniki"
    assert _seen_page(client, base)[0] == 5
    assert _seen_page(client, f"{base}?grupa=1") == (0, [])
    assert _seen_page(client, f"{base}?grupa=2") == (0, [])


def _board_cell(client, name, path="/przeglad"):
    """The "Ankiety" cell of the JST's row on the board and in its CSV."""
    page = client.get(path).get_data(as_text=True)
    row = next(r for r in re.findall(r"<tr[ >].*?</tr>", page, re.S) if name in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    data = client.get("/przeglad.csv").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(data), delimiter=";"))
    column = lines[0].index("Ankiety wypełnione")
    line = next(line for line in lines if name in line)
    return cells[-2].strip(), line[column]


def _report_cell(client, title):
    page = client.get("/raport").get_data(as_text=True)
    section = page.split('id="r-ankiety"')[1].split("</section>")[0]
    rows = [r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if title in r]
    return re.findall(r"<td>([^<]*)</td>", rows[0]) if rows else None


def test_who_answered_shows_only_once_closed_and_not_below_3(client, world):
    survey = _survey(world)
    login(client, world.coordinator)
    board, report = _board_cell(client, "Gmina Własna"), _report_cell(client, "Ocena modułu")
    _answer(survey, world.participant, "")
    assert _board_cell(client, "Gmina Własna") == board  # one submission changes nothing
    assert _report_cell(client, "Ocena modułu") == report
    _close(survey)
    cell, exported = _board_cell(client, "Gmina Własna")
    assert "1" not in cell and "1" not in exported  # one person: hidden
    assert "1" not in "".join(_report_cell(client, "Ocena modułu"))
