"""Reminders (issue 20): run by a periodic task, each sent once.

Every kind selects whom to remind with one set-based query (whatever the number of JSTs), then
in one transaction inserts a ReminderSent row per (kind, object, user) — an insert that
conflicts means the reminder already went out (an earlier run, or another worker right now) —
and, for the rows this run inserted, a notification and an e-mail in the outbox. Each kind is
switched off in the settings by an empty number of days. Days follow the Polish calendar
(Europe/Warsaw): a reminder due "3 days before" goes out from local midnight of that day."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from peewee import JOIN, fn

from lib.formatting import TZ, date_pl
from models import ExpertAssignment, Jst, TeamMembership, User, utcnow, write_tx
from models.documents import SignedCopy
from models.mail import OutboxMessage
from models.notify import ReminderSent
from models.plans import Plan, PlanEvent
from models.programme import Module, Task, TaskReport
from models.review import Notification
from models.surveys import Question, Survey, SurveyDone

from . import mail, preferences, settings, surveys
from .preferences import local_midnight

CHUNK = 400  # rows per INSERT (SQLite allows 32,766 variables; 5 columns a row)

# kind → the setting holding its number of days
KINDS = {
    "task": "reminder_task_days",
    "survey": "reminder_survey_days",
    "plan_draft": "reminder_plan_days",
    "plan_returned": "reminder_return_days",
    "agreement": "reminder_documents_days",
    "declaration": "reminder_documents_days",
    "expert_waiting": "reminder_expert_days",
}


def _days(values, kind):
    value = (values.get(KINDS[kind]) or "").strip()
    return int(value) if value.isdigit() else None


def _team():
    """Current members of active JSTs who may log in: (user id, e-mail, JST id, JST name)."""
    return (
        TeamMembership.select(User.id, User.email, Jst.id, Jst.name)
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .where(TeamMembership.left_at.is_null() & User.active & (Jst.status == "active"))
    )


# ---------- who is to be reminded (one query a kind) ----------
# each returns [(object id, user id, e-mail, text, relative url)]


def _tasks(today, days):
    until = today + timedelta(days=days)
    reported = TaskReport.select(TaskReport.id).where(
        (TaskReport.task == Task.id) & (TaskReport.jst == Jst.id)
    )
    query = (
        _team()
        .select_extend(Task.id, Task.title, Task.due_date)
        .join(Task, on=True)
        .where(
            Task.due_date.is_null(False)
            & (Task.due_date >= today)
            & (Task.due_date <= until)
            & ~fn.EXISTS(reported)
        )
        .tuples()
    )
    return [
        (
            task_id,
            user_id,
            email,
            f"Termin zadania wdrożeniowego „{title}” mija {date_pl(due)}. "
            f"Proszę opisać jego wykonanie w sprawozdaniu JST {jst_name}.",
            f"/jst/{jst_id}/zadania/{task_id}",
        )
        for user_id, email, jst_id, jst_name, task_id, title, due in query
    ]


def _surveys(today, days):
    until = today + timedelta(days=days)
    answered = SurveyDone.select(SurveyDone.id).where(
        (SurveyDone.survey == Survey.id) & (SurveyDone.user == User.id)
    )
    query = (
        _team()
        .select_extend(Survey.id, Survey.title, Survey.closes_on)
        .join(Survey, on=True)
        .where(
            (User.role == "participant")
            & (Survey.opens_on <= today)
            & (Survey.closes_on >= today)
            & (Survey.closes_on <= until)
            & fn.EXISTS(Question.select(Question.id).where(Question.survey == Survey.id))
            & surveys.attended(User.id)
            & ~fn.EXISTS(answered)
        )
        .tuples()
    )
    return [
        (
            survey_id,
            user_id,
            email,
            f"Ankieta „{title}” zamyka się {date_pl(closes)}. "
            "Proszę ją wypełnić — zajmie kilka minut.",
            f"/ankiety/{survey_id}/wypelnij",
        )
        for user_id, email, _jst_id, _jst_name, survey_id, title, closes in query
    ]


def _plan_drafts(today, days, deadline):
    if deadline is None or not (deadline - timedelta(days=days) <= today <= deadline):
        return []
    query = (
        _team()
        .join(Plan, JOIN.LEFT_OUTER, on=Plan.jst == Jst.id)
        .where(Plan.id.is_null() | (Plan.status == "draft"))
        .tuples()
    )
    return [
        (
            jst_id,
            user_id,
            email,
            f"Plan JST {jst_name} jest wciąż wersją roboczą, a termin przekazania go do "
            f"opiniowania mija {date_pl(deadline)}. "
            "Proszę dokończyć plan i przekazać go ekspertowi.",
            f"/jst/{jst_id}/plan",
        )
        for user_id, email, jst_id, jst_name in query
    ]


def _last_events(status):
    """(plan, the id of its latest event into `status`) — a subquery."""
    return (
        PlanEvent.select(PlanEvent.plan, fn.MAX(PlanEvent.id).alias("event_id"))
        .where(PlanEvent.to_status == status)
        .group_by(PlanEvent.plan)
        .alias("last_" + status)
    )


def _returned(today, days):
    before = local_midnight(today - timedelta(days=days) + timedelta(days=1))
    last = _last_events("returned")
    query = (
        _team()
        .select_extend(PlanEvent.id, PlanEvent.at)
        .join(Plan, on=Plan.jst == Jst.id)
        .join(last, on=last.c.plan_id == Plan.id)
        .join(PlanEvent, on=PlanEvent.id == last.c.event_id)
        .where((Plan.status == "returned") & (PlanEvent.at < before))
        .tuples()
    )
    return [
        (
            event_id,
            user_id,
            email,
            f"Plan JST {jst_name} czeka na poprawki zespołu od {date_pl(_local_day(at))}. "
            "Proszę przeczytać uwagi eksperta, poprawić plan i przekazać go ponownie.",
            f"/jst/{jst_id}/plan",
        )
        for user_id, email, jst_id, jst_name, event_id, at in query
    ]


def _local_day(moment):
    return moment.replace(tzinfo=UTC).astimezone(TZ).date()


def _first_module_started(today, days):
    first = Module.select(fn.MIN(Module.start_date)).scalar()
    return first is not None and first + timedelta(days=days) <= today


def _agreements(today, days):
    if not _first_module_started(today, days):
        return []
    signed = SignedCopy.select(SignedCopy.id).where(
        (SignedCopy.kind == "deklaracja") & (SignedCopy.jst == Jst.id)
    )
    query = _team().where(~fn.EXISTS(signed)).tuples()
    return [
        (
            jst_id,
            user_id,
            email,
            f"ORE nie otrzymało jeszcze podpisanej deklaracji współpracy JST {jst_name}. "
            "Proszę ją pobrać, podpisać i odesłać do ORE.",
            f"/jst/{jst_id}/dokumenty",
        )
        for user_id, email, jst_id, jst_name in query
    ]


def _declarations(today, days):
    if not _first_module_started(today, days):
        return []
    signed = SignedCopy.select(SignedCopy.id).where(
        (SignedCopy.kind == "oswiadczenie") & (SignedCopy.participant == User.id)
    )
    query = _team().where((User.role == "participant") & ~fn.EXISTS(signed)).tuples()
    return [
        (
            user_id,
            user_id,
            email,
            "ORE nie otrzymało jeszcze podpisanego oświadczenia uczestnika projektu. "
            "Proszę je pobrać, podpisać i odesłać do ORE.",
            f"/jst/{jst_id}/dokumenty",
        )
        for user_id, email, jst_id, _jst_name in query
    ]


def _expert_waiting(today, days):
    before = local_midnight(today - timedelta(days=days) + timedelta(days=1))
    last = _last_events("submitted")
    query = (
        ExpertAssignment.select(PlanEvent.id, User.id, User.email, Jst.id, Jst.name, PlanEvent.at)
        .join(User, on=ExpertAssignment.expert == User.id)
        .switch(ExpertAssignment)
        .join(Jst)
        .join(Plan, on=Plan.jst == Jst.id)
        .join(last, on=last.c.plan_id == Plan.id)
        .join(PlanEvent, on=PlanEvent.id == last.c.event_id)
        .where(
            ExpertAssignment.ended_at.is_null()
            & User.active
            & (Jst.status == "active")
            & (Plan.status == "submitted")
            & (PlanEvent.at < before)
        )
        .tuples()
    )
    return [
        (
            event_id,
            user_id,
            email,
            f"Plan JST {jst_name} czeka na opinię od {date_pl(_local_day(at))}. "
            "Proszę go przeczytać i zatwierdzić albo zwrócić z uwagami.",
            f"/jst/{jst_id}/plan/czytaj",
        )
        for event_id, user_id, email, jst_id, jst_name, at in query
    ]


# ---------- sending ----------


def _chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _send(kind, rows, config, now):
    """Insert the ReminderSent rows (conflicts skipped), then notify whom this run inserted —
    one transaction: either all of it is stored or none. Returns how many were sent."""
    if not rows:
        return 0
    sent = set(  # skipped before inserting (cheaper); a conflicting insert still skips them
        ReminderSent.select(ReminderSent.object_id, ReminderSent.user_id)
        .where(ReminderSent.kind == kind)
        .tuples()
    )
    # one row per key, in one order for all workers (their inserts lock keys in the same order)
    unique = sorted({(r[0], r[1]): r for r in rows if (r[0], r[1]) not in sent}.values())
    if not unique:
        return 0
    run = uuid4().hex
    base = config.get("BASE_URL", "").rstrip("/")
    fields = [ReminderSent.kind, ReminderSent.object_id, ReminderSent.user]
    fields += [ReminderSent.run, ReminderSent.sent_at]
    with write_tx():
        for chunk in _chunks(unique):
            ReminderSent.insert_many(
                [(kind, obj, user, run, now) for obj, user, *_ in chunk], fields=fields
            ).on_conflict_ignore().execute()
        mine = set(
            ReminderSent.select(ReminderSent.object_id, ReminderSent.user_id)
            .where(ReminderSent.run == run)
            .tuples()
        )
        fresh = [r for r in unique if (r[0], r[1]) in mine]
        for chunk in _chunks(fresh):
            Notification.insert_many(
                [(user, "reminder", text[:300], url[:300], now) for _, user, _, text, url in chunk],
                fields=[
                    Notification.user,
                    Notification.kind,
                    Notification.text,
                    Notification.url,
                    Notification.created_at,
                ],
            ).execute()
            wanted = preferences.immediate(r[1] for r in chunk) if mail.enabled(config) else ()
            if wanted:
                OutboxMessage.queue_many(
                    [
                        (
                            email,
                            f"Plan JST – przypomnienie: {text[:100]}",
                            f"Dzień dobry,\n\n{text}\n\nSzczegóły: {base}{url}\n",
                        )
                        for _, user, email, text, url in chunk
                        if user in wanted
                    ],
                    now,
                )
    return len(fresh)


def _deadline(values):
    try:
        return datetime.strptime(values.get("programme_plan_deadline") or "", "%Y-%m-%d").date()
    except ValueError:
        return None


def send_due(config, now=None):
    """Send every reminder due now (naive UTC, default: the clock); returns {kind: sent}."""
    now = now or utcnow()
    today = _local_day(now)
    values = settings.get_all()
    builders = {
        "task": lambda d: _tasks(today, d),
        "survey": lambda d: _surveys(today, d),
        "plan_draft": lambda d: _plan_drafts(today, d, _deadline(values)),
        "plan_returned": lambda d: _returned(today, d),
        "agreement": lambda d: _agreements(today, d),
        "declaration": lambda d: _declarations(today, d),
        "expert_waiting": lambda d: _expert_waiting(today, d),
    }
    sent = {}
    for kind, build in builders.items():
        days = _days(values, kind)
        sent[kind] = 0 if days is None else _send(kind, build(days), config, now)
    return sent
