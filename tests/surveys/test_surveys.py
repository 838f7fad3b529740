"""Evaluation surveys (building, anonymous answers, results, exports) and certificates."""

import csv
import io
import re
import zipfile
from datetime import date, timedelta

from docx import Document
from openpyxl import load_workbook

from models import db
from models.plans import Plan
from models.programme import Attendance, Module
from models.surveys import (
    Certificate,
    Question,
    Survey,
    SurveyAnswer,
    SurveyDone,
    SurveyDraft,
    SurveyResponse,
)
from services import programme, surveys
from tests.batches import job_file
from tests.conftest import add_member, login, make_jst, make_user

TODAY = date.today()


def _module(number=1, start=date(2017, 4, 5)):
    return Module.create(number=number, start_date=start, end_date=start + timedelta(days=2))


def _survey(module=None, opens=-1, closes=1, experts=False):
    module = module or _module()
    survey = surveys.save_survey(
        None,
        "Ocena modułu",
        module,
        None,
        TODAY + timedelta(days=opens),
        TODAY + timedelta(days=closes),
        experts,
    )
    surveys.add_question(survey, "rating", "Ocena całości", True, "")
    surveys.add_question(survey, "single", "Tempo", True, "za wolne\nodpowiednie\nza szybkie")
    surveys.add_question(survey, "multiple", "Co pomogło", False, "diagnoza\nkoalicja\nstolik")
    surveys.add_question(survey, "text", "Uwagi", False, "")
    return survey


def _fields(survey):
    q = {x.kind: f"q{x.id}" for x in Question.select().where(Question.survey == survey)}
    return q["rating"], q["single"], q["multiple"], q["text"]


def _text(data):
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_coordinator_builds_copies_and_deletes_a_survey(client, world):
    first, second = _module(1), _module(2, date(2017, 6, 26))
    login(client, world.coordinator)
    response = client.post(
        "/ankiety/nowa", data={"title": "Ocena modułu 1", "module": first.id, "session": "0"}
    )
    assert response.status_code == 302
    again = client.post(  # a double click: the same survey, not a second one
        "/ankiety/nowa", data={"title": "Ocena modułu 1", "module": first.id, "session": "0"}
    )
    assert again.headers["Location"] == response.headers["Location"]
    survey = Survey.get(Survey.title == "Ocena modułu 1")
    # by default: opens on the last day of the module, for 14 days
    assert (survey.opens_on, survey.closes_on) == (date(2017, 4, 7), date(2017, 4, 21))
    path = f"/ankiety/{survey.id}"
    bad = client.post(
        path + "/pytania", data={"kind": "single", "text": "Tempo", "options": "tylko jedna"}
    )
    assert bad.status_code == 422
    assert "co najmniej dwóch odpowiedzi" in bad.get_data(as_text=True)
    assert 'value="Ocena modułu 1"' in bad.get_data(as_text=True)  # the settings as saved
    for kind, text, options in [
        ("rating", "Ocena całości", ""),
        ("single", "Tempo", "za wolne\nodpowiednie"),
        ("text", "Uwagi", ""),
    ]:
        data = {"kind": kind, "text": text, "options": options, "required": "y"}
        assert client.post(path + "/pytania", data=data).status_code == 302
        client.post(path + "/pytania", data=data)  # a double click: asked once
    page = client.get(path).get_data(as_text=True)
    assert "Ocena całości" in page and "ocena 1–5" in page and "za wolne" in page
    dates = {"title": "X", "module": first.id, "session": "0"}
    bad = client.post(path, data={**dates, "opens_on": "2017-05-01", "closes_on": "2017-04-01"})
    assert "Data zamknięcia nie może być przed datą otwarcia" in bad.get_data(as_text=True)
    # no opening date: it opens by default on the module's last day (2017-04-07)
    bad = client.post(path, data={**dates, "closes_on": "2017-01-01"})
    assert "przed datą otwarcia (2017-04-07)" in bad.get_data(as_text=True)
    assert Survey.get_by_id(survey.id).closes_on == date(2017, 4, 21)

    response = client.post(path + "/kopiuj", data={"module": second.id})
    copy = Survey.get(Survey.module == second)
    assert response.headers["Location"].endswith(f"/ankiety/{copy.id}")
    assert [q.text for q in surveys.questions(copy)] == ["Ocena całości", "Tempo", "Uwagi"]
    assert (copy.opens_on, copy.closes_on) == (date(2017, 6, 28), date(2017, 7, 12))

    SurveyResponse.create(survey=survey, group=1)
    page = client.post(path + "/usun", follow_redirects=True).get_data(as_text=True)
    assert "nie można usunąć" in page and Survey.get_or_none(Survey.id == survey.id)
    client.post(f"/ankiety/{copy.id}/usun")
    assert Survey.get_or_none(Survey.id == copy.id) is None


def test_a_session_survey_must_name_a_session_of_its_module(client, world):
    first, second = _module(1), _module(2, date(2017, 6, 26))
    from models.programme import ModuleSession

    other = ModuleSession.create(module=second, day=1, start="10:30", end="12:00", title="W")
    login(client, world.coordinator)
    data = {"title": "Ocena zajęć", "module": first.id, "session": other.id}
    response = client.post("/ankiety/nowa", data=data)
    assert response.status_code == 422
    assert "Te zajęcia należą do innego modułu" in response.get_data(as_text=True)
    own = ModuleSession.create(module=first, day=1, start="10:30", end="12:00", title="Diagnoza")
    assert client.post("/ankiety/nowa", data={**data, "session": own.id}).status_code == 302
    assert Survey.get().session_id == own.id


def test_a_module_or_session_with_a_survey_is_not_deleted_with_it(client, world):
    from models.programme import ModuleSession

    module = _module()
    session = ModuleSession.create(module=module, day=1, start="10:30", end="12:00", title="D")
    survey = _survey(module)
    Survey.update(session=session).where(Survey.id == survey.id).execute()
    SurveyResponse.create(survey=survey, group=1)
    login(client, world.coordinator)
    page = client.post(
        f"/moduly/{module.id}/zajecia/{session.id}/usun", follow_redirects=True
    ).get_data(as_text=True)
    assert "Nie można usunąć tych zajęć: jest do nich dołączona ankieta" in page
    assert ModuleSession.get_or_none(ModuleSession.id == session.id)
    page = client.post(f"/moduly/{module.id}/usun", follow_redirects=True).get_data(as_text=True)
    assert "Nie można usunąć modułu" in page and "ankiety ewaluacyjne" in page
    assert Module.get_or_none(Module.id == module.id)
    assert SurveyResponse.select().where(SurveyResponse.survey == survey).count() == 1


def test_participant_answers_once_with_a_draft_first(client, world):
    survey = _survey()
    rating, single, multiple, text = _fields(survey)
    login(client, world.participant)
    assert "Ocena modułu" in client.get("/").get_data(as_text=True)  # waiting on the home page
    path = f"/ankiety/{survey.id}/wypelnij"
    # a draft needs no required answers
    response = client.post(path, data={multiple: ["koalicja", "stolik"], "robocza": "1"})
    assert response.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="koalicja"', page)
    assert not re.search(r'<input checked[^>]*value="diagnoza"', page)
    assert "wersja robocza" in client.get("/ankiety/moje").get_data(as_text=True)
    # required questions are checked on submission, with the error next to the question
    response = client.post(path, data={multiple: ["koalicja"], "wyslij": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{rating}-error"' in page and "To pytanie jest obowiązkowe" in page
    assert f'href="#{single}"' in page  # the error summary links to the question
    forged = client.post(path, data={multiple: ["zzz"], "robocza": "1"})
    assert forged.status_code == 422
    assert "Nieprawidłowy wybór: zzz." in forged.get_data(
        as_text=True
    )  # Polish, not WTForms' English
    assert SurveyResponse.select().count() == 0
    data = {
        rating: "4",
        single: "odpowiednie",
        multiple: ["koalicja", "koalicja"],  # a forged repeat counts once
        text: "Więcej przerw",
    }
    response = client.post(path, data={**data, "wyslij": "1"})
    assert response.status_code == 302
    assert SurveyDraft.select().count() == 0  # the draft is gone with the submission
    assert SurveyDone.select().where(SurveyDone.user == world.participant.id).count() == 1
    assert SurveyAnswer.select().count() == 0  # the answers wait for their batch
    assert surveys.flush_pending_answers(min_batch=1) == (1, 0)
    values = sorted(a.value for a in SurveyAnswer.select())
    assert values == ["4", "Więcej przerw", "koalicja", "odpowiednie"]
    # once: a second submission (a double click, a replay) is refused
    again = client.post(path, data={**data, "wyslij": "1"})
    assert again.status_code == 409
    assert "została już wypełniona z tego konta" in again.get_data(as_text=True)
    assert SurveyResponse.select().count() == 1
    assert "Brak ankiet do wypełnienia" in client.get("/ankiety/moje").get_data(as_text=True)


def test_answers_are_stored_without_the_person(app, world):
    survey = _survey()
    surveys.submit(survey, world.participant, {str(q.id): "5" for q in surveys.questions(survey)})
    surveys.flush_pending_answers(min_batch=1)
    # the raw tables: random keys, no user, no time next to an answer
    for table in ("survey_response", "survey_answer", "survey_pending"):
        columns = {c.name for c in db.get_columns(table)}
        assert not {"user_id", "created_at", "updated_at", "at"} & columns, (table, columns)
        assert not any("user" in c or "time" in c or c.endswith("_at") for c in columns)
    response = SurveyResponse.get()
    assert len(response.id) == 32 and response.id != str(world.participant.id)
    assert all(len(a.id) == 32 for a in SurveyAnswer.select())
    done = {c.name for c in db.get_columns("survey_done")}
    assert done == {"id", "survey_id", "user_id"}  # who answered — never what


def test_no_write_order_ties_an_answer_to_who_answered(app, world):
    """SQLite: the anonymous tables and "who answered" have no rowid (stored by random key)."""
    from models import is_sqlite
    from models.surveys import ORDERLESS, m0071_orderless_answers

    if not is_sqlite():  # nothing to rebuild; the migration leaves PostgreSQL alone
        m0071_orderless_answers()
        return
    survey = _survey()
    surveys.submit(survey, world.participant, {str(q.id): "5" for q in surveys.questions(survey)})

    def without_rowid():
        schema = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        return all("WITHOUT ROWID" in schema[m._meta.table_name] for m in ORDERLESS)

    assert without_rowid()
    # a database made before: rowid tables, rebuilt by migration 71 with every row kept
    rows = {m: list(m.select().dicts()) for m in ORDERLESS}
    for model in reversed(ORDERLESS):
        db.execute_sql(f'DROP TABLE "{model._meta.table_name}"')
    for model in ORDERLESS:
        model._meta.without_rowid = False
    db.create_tables(ORDERLESS)
    for model in ORDERLESS:
        model.insert_many(rows[model]).execute()
    assert not without_rowid()
    m0071_orderless_answers()
    assert without_rowid()
    assert {m: list(m.select().dicts()) for m in ORDERLESS} == rows


def test_a_survey_opens_and_closes_on_its_dates(client, world):
    planned, closed = _survey(opens=1, closes=5), _survey(_module(2), opens=-20, closes=-1)
    login(client, world.participant)
    assert "Brak ankiet do wypełnienia" in client.get("/ankiety/moje").get_data(as_text=True)
    page = client.get(f"/ankiety/{planned.id}/wypelnij").get_data(as_text=True)
    assert "Ankieta będzie dostępna od" in page
    rating = _fields(closed)[0]
    response = client.post(f"/ankiety/{closed.id}/wypelnij", data={rating: "3", "robocza": "1"})
    assert response.status_code == 409 and "Ankieta jest zamknięta" in response.get_data(
        as_text=True
    )
    assert SurveyDraft.select().count() == 0


def _answers(survey, group, rows):
    for rating, single, texts in rows:
        response = SurveyResponse.create(survey=survey, group=group)
        by_kind = {q.kind: q for q in surveys.questions(survey)}
        SurveyAnswer.create(response=response, question=by_kind["rating"], value=rating)
        SurveyAnswer.create(response=response, question=by_kind["single"], value=single)
        for value in texts:
            SurveyAnswer.create(response=response, question=by_kind["text"], value=value)


def test_results_small_groups_and_who_sees_them(client, world):
    survey = _survey(experts=False, opens=-5, closes=-1)  # closed: the results are shown
    programme.save_groups({world.jst.id: 1, world.other_jst.id: 2})
    _answers(survey, 1, [("5", "odpowiednie", ["Dobre tempo"]), ("4", "za szybkie", [])])
    _answers(survey, 1, [("3", "odpowiednie", ["Więcej przykładów"])])
    _answers(survey, 2, [("1", "za wolne", []), ("2", "za wolne", [])])
    _answers(survey, 3, [("3", "za wolne", [])] * 3)
    login(client, world.coordinator)
    # "all" keeps every answer; group 2 (two answers) is hidden, and with it the smallest group
    # shown (1 and 3 have three each: group 1), else all minus groups 1 and 3 would show group 2's
    page = client.get(f"/ankiety/{survey.id}/wyniki").get_data(as_text=True)
    assert "Liczba odpowiedzi: <strong>8</strong>" in page
    assert "średnia <strong>3</strong>" in page and "mediana <strong>3</strong>" in page
    assert "Dobre tempo" in page and "Więcej przykładów" in page
    main = page[page.index("<main") : page.index("</main>")]
    assert "<svg" in main and "<script" not in main  # bars drawn by the server, no JavaScript
    assert world.participant.full_name not in page
    for number in (1, 2):
        group = client.get(f"/ankiety/{survey.id}/wyniki?grupa={number}").get_data(as_text=True)
        assert "Wyniki są ukryte" in group and "za wolne</th>" not in group
    group3 = client.get(f"/ankiety/{survey.id}/wyniki?grupa=3").get_data(as_text=True)
    assert "Liczba odpowiedzi: <strong>3</strong>" in group3
    # response rate per working group: the answers of a group whose results are shown
    compact = re.sub(r">\s+<", "><", page)
    assert '<th scope="row">grupa 2</th><td>2</td><td>ukryte</td><td>—</td>' in compact
    assert '<th scope="row">grupa 1</th><td>2</td><td>ukryte</td><td>—</td>' in compact
    assert '<th scope="row">grupa 3</th><td>0</td><td>3</td><td>—</td>' in compact
    client.post("/logout")
    _answers(survey, 2, [("2", "odpowiednie", ["Zimna sala"])])  # group 2: three now
    login(client, world.expert)
    assert client.get(f"/ankiety/{survey.id}/wyniki?grupa=1").status_code == 403
    Survey.update(experts_see_results=True).execute()
    page = client.get(f"/ankiety/{survey.id}/wyniki?grupa=1").get_data(as_text=True)
    assert "Dobre tempo" in page and "Zwrotność" not in page
    assert client.get(f"/ankiety/{survey.id}/wyniki?grupa=2").status_code == 404
    assert client.get(f"/ankiety/{survey.id}/wyniki").status_code == 404


def test_exports_are_text_with_the_small_group_rule(client, world):
    survey = _survey(opens=-5, closes=-1)
    _answers(survey, 1, [("5", "odpowiednie", ['=HYPERLINK("x")'])] * 2)
    login(client, world.coordinator)
    response = client.get(f"/ankiety/{survey.id}/wyniki.csv", follow_redirects=True)
    assert "Za mało odpowiedzi" in response.get_data(as_text=True)
    _answers(survey, 1, [("3", "za wolne", ["Zły dojazd"])])
    response = client.get(f"/ankiety/{survey.id}/wyniki.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Pytanie", "Rodzaj", "Odpowiedź", "Liczba", "Procent"]
    assert ["Ocena całości", "ocena 1–5", "5 — bardzo dobrze", "2", "67%"] in rows
    assert ["Ocena całości", "ocena 1–5", "średnia", "4,33", ""] in rows
    assert ["Uwagi", "odpowiedź opisowa", "Zły dojazd", "", ""] in rows
    assert ["Uwagi", "odpowiedź opisowa", '\'=HYPERLINK("x")', "", ""] in rows  # inert in CSV
    response = client.get(f"/ankiety/{survey.id}/wyniki.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # text, never a formula
    assert all(c.data_type == "s" for c in cells)


def _attend(module, user, days):
    for day in range(1, days + 1):
        Attendance.create(module=module, user=user, day=day)


def test_certificate_rule_issue_document_and_zip(client, world):
    modules = [_module(1), _module(2, date(2017, 6, 26))]  # six days
    present = world.participant
    partly = world.teammate
    for module in modules:
        _attend(module, present, 3)
    _attend(modules[0], partly, 3)  # 50 %
    Plan.create(jst=world.jst, status="draft")
    login(client, world.coordinator)
    page = client.get("/zaswiadczenia").get_data(as_text=True)
    assert "Spełnia warunki: <strong>0</strong>" in page
    assert "obecność poniżej 80%" in page and "przekazany do opiniowania (co najmniej raz)" in page
    Plan.update(status="returned").execute()  # submitted once, returned: it counts as submitted
    page = client.get("/zaswiadczenia").get_data(as_text=True)
    assert "Spełnia warunki: <strong>1</strong>" in page
    bad = client.post("/zaswiadczenia", data={"min_attendance": "120", "plan_status": "none"})
    assert bad.status_code == 422 and "Proszę podać liczbę od 0 do 100" in bad.get_data(
        as_text=True
    )
    client.post("/zaswiadczenia", data={"min_attendance": "50", "plan_status": "accepted"})
    page = client.get("/zaswiadczenia").get_data(as_text=True)
    assert "Spełnia warunki: <strong>0</strong>" in page and "plan JST zatwierdzony" in page
    client.post("/zaswiadczenia", data={"min_attendance": "50", "plan_status": "submitted"})
    response = client.post("/zaswiadczenia/wystaw", follow_redirects=True)
    assert "Wystawiono zaświadczenia: 2" in response.get_data(as_text=True)
    client.post("/zaswiadczenia/wystaw")  # a second click issues nothing new
    assert Certificate.select().count() == 2
    certificate = Certificate.get(Certificate.user == present.id)
    assert certificate.number.startswith(f"ZAS/{TODAY.year}/")
    assert len(certificate.code) >= 32
    text = _text(client.get(f"/zaswiadczenia/{certificate.id}.docx").data)
    assert present.full_name in text and certificate.number in text
    assert "Gminy Własnej" in text and f"/zaswiadczenie/{certificate.code}" in text
    assert "Moduł" in text and "5–7 kwietnia 2017 r." in text
    archive = zipfile.ZipFile(io.BytesIO(job_file(client, "/zadania-w-tle/zaswiadczenia").data))
    names = [n for n in archive.namelist() if n.endswith(".docx")]
    assert len(names) == 2 and "spis.csv" in archive.namelist()
    client.post("/logout")
    login(client, present)
    page = client.get("/ankiety/moje").get_data(as_text=True)
    assert certificate.number in page
    assert present.full_name in _text(client.get("/moje-zaswiadczenie.docx").data)


def test_certificate_verification_page(client, world):
    certificate = Certificate.create(
        user=world.participant,
        number="ZAS/2017/0007",
        code="A" * 32,
        full_name="Anna Sprawdzana",
        programme="Pilotaż programu",
        issued_on=date(2017, 11, 17),
    )
    page = client.get(f"/zaswiadczenie/{certificate.code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Anna Sprawdzana" in text and "Pilotaż programu" in text and "17 listopada 2017" in text
    assert "ZAS/2017/0007" not in text and "Gmina Własna" not in text  # nothing else
    assert world.participant.email not in text
    wrong = client.get("/zaswiadczenie/" + "B" * 32)
    assert wrong.status_code == 404 and "Nie znaleziono zaświadczenia" in wrong.get_data(
        as_text=True
    )
    assert client.get("/zaswiadczenie/" + "x" * 500).status_code == 404
    for _ in range(surveys.VERIFY_MAX_FAILS):
        client.get("/zaswiadczenie/zgadywany-kod")
    limited = client.get(f"/zaswiadczenie/{certificate.code}")
    assert limited.status_code == 429 and "Zbyt wiele prób" in limited.get_data(as_text=True)
    assert "Anna Sprawdzana" not in limited.get_data(as_text=True)


def test_only_current_team_members_answer(client, world):
    survey = _survey()
    outsider = make_user("participant")
    login(client, outsider)
    assert client.get(f"/ankiety/{survey.id}/wypelnij").status_code == 404
    client.post("/logout")
    jst = make_jst("Gmina Wycofana", status="withdrawn")
    withdrawn = add_member(jst)
    login(client, withdrawn)
    assert client.get(f"/ankiety/{survey.id}/wypelnij").status_code == 404


def test_certificate_numbers_continue_and_a_race_is_a_message(client, world, monkeypatch):
    Certificate.create(
        user=world.teammate,
        number=f"ZAS/{TODAY.year}/0007",
        code="c" * 32,
        full_name="Osoba Wcześniejsza",
        programme="Pilotaż",
        issued_on=TODAY,
    )
    client.post("/logout")
    login(client, world.coordinator)
    client.post("/zaswiadczenia", data={"min_attendance": "0", "plan_status": "none"})
    client.post("/zaswiadczenia/wystaw")
    numbers = sorted(c.number for c in Certificate.select())
    # after the highest, whatever came before: 0008–0010 for the three others
    assert numbers == [f"ZAS/{TODAY.year}/{n:04d}" for n in (7, 8, 9, 10)]
    # someone else issued the same certificate a moment earlier (a double click on PostgreSQL)
    stale = surveys.candidates()
    for person in stale:
        person["certificate"] = None
    monkeypatch.setattr(surveys.certificates, "candidates", lambda: stale)
    page = client.post("/zaswiadczenia/wystaw", follow_redirects=True).get_data(as_text=True)
    assert "Zaświadczenia są właśnie wystawiane" in page
    assert Certificate.select().count() == 4  # two teams of two: nothing new, nothing lost


def test_the_attendance_rule_compares_the_exact_share(app, world, monkeypatch):
    Plan.create(jst=world.jst, status="submitted")

    def rates(today=None, exact=False):  # 79.6 % of the days: shown as 80 %, yet below 80 %
        return {world.participant.id: 79.6 if exact else 80}

    monkeypatch.setattr(programme, "attendance_rates", rates)
    person = next(p for p in surveys.candidates() if p["user"].id == world.participant.id)
    assert person["rate"] == 80 and not person["attendance_ok"]
