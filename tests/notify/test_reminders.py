"""Reminders (issue 20.2): who gets which, at the Polish day boundary, once — also across two
processes — and switched off by the settings."""

import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from lib.formatting import today_local
from models import OutboxMessage
from models.documents import SignedCopy
from models.notify import ReminderSent
from models.plans import Plan, PlanEvent
from models.programme import Module, Task, TaskReport
from models.review import Notification
from models.surveys import Question, Survey, SurveyDone
from services import reminders, settings
from tests.conftest import login
from tests.servers import server_env

# 2026-12-07 00:00 in Warsaw (winter, UTC+1) is 2026-12-06 23:00 UTC
BEFORE_MIDNIGHT = datetime(2026, 12, 6, 22, 59)
MIDNIGHT = datetime(2026, 12, 6, 23, 0)
OFF = {key: "" for key in set(reminders.KINDS.values())}


@pytest.fixture
def config(app):
    app.config["SMTP_HOST"] = "smtp.example.org"  # reminders go out by e-mail too
    app.config["BASE_URL"] = "https://plan.example.org"
    settings.save(OFF)  # each test switches on what it checks
    return app.config


def _texts(user):
    return [(n.text, n.url) for n in Notification.select().where(Notification.user == user)]


def _module(number=1, start=date(2026, 11, 20)):
    return Module.create(number=number, start_date=start, end_date=start + timedelta(days=1))


def test_task_due_in_n_days_reminds_the_team_from_polish_midnight_once(world, config, client):
    settings.save({"reminder_task_days": "3"})
    task = Task.create(module=_module(), title="Diagnoza potrzeb", due_date=date(2026, 12, 10))
    TaskReport.create(task=task, jst=world.other_jst, text="Zrobione")  # reported: not reminded
    assert reminders.send_due(config, BEFORE_MIDNIGHT)["task"] == 0
    assert reminders.send_due(config, MIDNIGHT)["task"] == 2
    assert reminders.send_due(config, MIDNIGHT + timedelta(hours=5))["task"] == 0  # once
    url = f"/jst/{world.jst.id}/zadania/{task.id}"
    ((text, link),) = _texts(world.participant)
    assert "„Diagnoza potrzeb” mija 10 grudnia 2026" in text and link == url
    assert _texts(world.other_participant) == []
    mails = list(OutboxMessage.select().where(OutboxMessage.to == world.participant.email))
    assert len(mails) == 1 and f"https://plan.example.org{url}" in mails[0].body
    login(client, world.participant)
    page = client.get("/powiadomienia").get_data(as_text=True)
    assert "Proszę opisać jego wykonanie w sprawozdaniu JST Gmina Własna" in page


def test_task_past_its_due_date_or_far_ahead_is_not_reminded(world, config):
    settings.save({"reminder_task_days": "3"})
    Task.create(module=_module(1), title="Dawno", due_date=date(2026, 12, 6))
    Task.create(module=_module(2, date(2027, 1, 5)), title="Daleko", due_date=date(2026, 12, 11))
    assert reminders.send_due(config, MIDNIGHT)["task"] == 0


def test_survey_closing_reminds_who_has_not_answered(world, config):
    settings.save({"reminder_survey_days": "2"})
    survey = Survey.create(
        title="Ankieta po module 1",
        module=_module(),
        opens_on=date(2026, 12, 1),
        closes_on=date(2026, 12, 9),
    )
    Question.create(survey=survey, position=1, kind="text", text="Uwagi?")
    SurveyDone.create(survey=survey, user=world.teammate)
    assert reminders.send_due(config, BEFORE_MIDNIGHT)["survey"] == 0  # 9 − 2 = the 7th
    assert reminders.send_due(config, MIDNIGHT)["survey"] == 3
    ((text, url),) = _texts(world.participant)
    assert "„Ankieta po module 1” zamyka się 9 grudnia 2026" in text
    assert url == f"/ankiety/{survey.id}/wypelnij"
    assert _texts(world.teammate) == [] and _texts(world.expert) == []


def test_plan_still_a_draft_before_the_deadline(world, config):
    settings.save({"reminder_plan_days": "7", "programme_plan_deadline": "2026-12-14"})
    Plan.create(jst=world.other_jst, status="submitted")  # world.jst has no plan yet: a draft
    assert reminders.send_due(config, BEFORE_MIDNIGHT)["plan_draft"] == 0
    assert reminders.send_due(config, MIDNIGHT)["plan_draft"] == 2
    ((text, url),) = _texts(world.teammate)
    assert "wciąż wersją roboczą" in text and "14 grudnia 2026" in text
    assert url == f"/jst/{world.jst.id}/plan"
    settings.save({"programme_plan_deadline": ""})  # no deadline: nothing to remind of
    ReminderSent.delete().execute()
    assert reminders.send_due(config, MIDNIGHT)["plan_draft"] == 0


def test_a_return_waiting_n_days_reminds_the_team_and_a_new_return_again(world, config):
    settings.save({"reminder_return_days": "7"})
    plan = Plan.create(jst=world.jst, status="returned")
    # returned on 30 November, 23:30 in Warsaw (22:30 UTC): seven days later is 7 December
    PlanEvent.create(
        plan=plan, at=datetime(2026, 11, 30, 22, 30), from_status="submitted", to_status="returned"
    )
    assert reminders.send_due(config, BEFORE_MIDNIGHT)["plan_returned"] == 0
    assert reminders.send_due(config, MIDNIGHT)["plan_returned"] == 2
    ((text, _url),) = _texts(world.participant)
    assert "czeka na poprawki zespołu od 30 listopada 2026" in text
    PlanEvent.create(
        plan=plan, at=datetime(2026, 12, 1), from_status="returned", to_status="submitted"
    )
    PlanEvent.create(
        plan=plan, at=datetime(2026, 12, 1, 12), from_status="submitted", to_status="returned"
    )  # returned once more: a reminder of its own
    assert reminders.send_due(config, MIDNIGHT + timedelta(days=1))["plan_returned"] == 2
    assert len(_texts(world.participant)) == 2


def test_missing_signed_agreement_and_declarations_after_the_first_module(world, config):
    settings.save({"reminder_documents_days": "14"})
    _module(start=date(2026, 11, 23))  # + 14 days = 7 December
    SignedCopy.create(
        kind="deklaracja",
        jst=world.other_jst,
        received_on=date(2026, 12, 1),
        fingerprint="x",
        filename="d.docx",
        data=b"x",
    )
    SignedCopy.create(
        kind="oswiadczenie",
        participant=world.teammate,
        received_on=date(2026, 12, 1),
        fingerprint="x",
        filename="o.docx",
        data=b"x",
    )
    assert reminders.send_due(config, BEFORE_MIDNIGHT) == dict.fromkeys(reminders.KINDS, 0)
    sent = reminders.send_due(config, MIDNIGHT)
    assert (sent["agreement"], sent["declaration"]) == (2, 3)
    texts = [t for t, _u in _texts(world.teammate)]
    assert texts == [
        "ORE nie otrzymało jeszcze podpisanej deklaracji współpracy JST Gmina Własna. "
        "Proszę ją pobrać, podpisać i odesłać do ORE."
    ]
    assert len(_texts(world.participant)) == 2 and len(_texts(world.other_participant)) == 1


def test_expert_reminded_of_a_plan_waiting_for_the_opinion(world, config):
    settings.save({"reminder_expert_days": "5"})
    plan = Plan.create(jst=world.jst, status="submitted")
    PlanEvent.create(
        plan=plan, at=datetime(2026, 12, 2, 9), from_status="draft", to_status="submitted"
    )
    assert reminders.send_due(config, BEFORE_MIDNIGHT)["expert_waiting"] == 0
    assert reminders.send_due(config, MIDNIGHT)["expert_waiting"] == 1
    ((text, url),) = _texts(world.expert)
    assert "Plan JST Gmina Własna czeka na opinię od 2 grudnia 2026" in text
    assert url == f"/jst/{world.jst.id}/plan/czytaj"
    assert _texts(world.other_expert) == [] and _texts(world.participant) == []


def test_switched_off_reminders_send_nothing(world, config):
    Task.create(module=_module(), title="Zadanie", due_date=date(2026, 12, 8))
    assert reminders.send_due(config, MIDNIGHT)["task"] == 0
    assert Notification.select().count() == 0


def test_settings_take_a_number_of_days_or_empty(world, client):
    login(client, world.coordinator)
    data = {**settings.get_all(), "reminder_task_days": "trzy", "reminder_survey_days": ""}
    response = client.post("/ustawienia", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reminder_task_days-error">Proszę podać liczbę dni od 0 do 365' in page
    data["reminder_task_days"] = " 4 "
    assert client.post("/ustawienia", data=data).status_code == 302
    assert (settings.get("reminder_task_days"), settings.get("reminder_survey_days")) == ("4", "")


def test_two_processes_at_once_send_each_reminder_once(world, app, config):
    settings.save({"reminder_task_days": "3", "reminder_expert_days": "0"})
    today = today_local()
    Task.create(module=_module(), title="Zadanie", due_date=today + timedelta(days=1))
    plan = Plan.create(jst=world.other_jst, status="submitted")
    PlanEvent.create(plan=plan, from_status="draft", to_status="submitted")
    env = server_env(app, SMTP_HOST="smtp.example.org")
    command = [sys.executable, "-m", "flask", "--app", "app", "send-reminders"]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(out.decode().split()[0] for out, _err in outputs) == ["task=0", "task=4"]
    assert Notification.select().count() == 5  # 4 team members, 1 expert
    assert OutboxMessage.select().count() == 5
    assert ReminderSent.select().count() == 5
