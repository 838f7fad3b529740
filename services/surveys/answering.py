"""Answering surveys: who may answer, drafts, submitting, and the anonymous storage (answers
wait in SurveyPending and are flushed in batches, in random order)."""

import json
import secrets

from peewee import JOIN, IntegrityError, fn

from lib.formatting import today_local
from models import Jst, TeamMembership, User, db, is_postgres, is_sqlite, locked, write_tx
from models.programme import Attendance, GroupMember, Module, ModuleSession, WorkingGroup
from models.surveys import (
    Question,
    Survey,
    SurveyAnswer,
    SurveyDone,
    SurveyDraft,
    SurveyPending,
    SurveyResponse,
)

from .base import MIN_GROUP, AlreadyAnswered, Locked
from .building import questions, state

_random = secrets.SystemRandom()  # the order answers are stored in (flush_pending_answers)


def eligible_members(*columns):
    """A select of `columns` over the current team members who may answer: participants of
    active JSTs, joined to their working group (None when the JST has none)."""
    return (
        TeamMembership.select(*columns)
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .join(GroupMember, JOIN.LEFT_OUTER, on=GroupMember.jst == Jst.id)
        .join(WorkingGroup, JOIN.LEFT_OUTER)
        .where(
            TeamMembership.left_at.is_null()
            & (Jst.status == "active")
            & User.active
            & (User.role == "participant")
        )
    )


def _participants(user=None):
    """{user id: working group number or None} of the current teams of active JSTs (only
    `user`'s entry, when given)."""
    query = eligible_members(TeamMembership.user, WorkingGroup.number).tuples()
    return dict(query.where(TeamMembership.user == user.id) if user else query)


def present(user_id, session):
    """A condition: `user_id` (an id or a column) was present on the day of `session` (an id
    or a column) in its module — attendance is recorded per module day."""
    return fn.EXISTS(
        Attendance.select(Attendance.id)
        .join(
            ModuleSession,
            on=(ModuleSession.module == Attendance.module) & (ModuleSession.day == Attendance.day),
        )
        .where((ModuleSession.id == session) & (Attendance.user == user_id))
    )


def attended(user_id):
    """A condition on Survey: the survey asks `user_id` — a module's survey every participant,
    a workshop's (a survey of one session) only those present at it."""
    return Survey.session.is_null() | present(user_id, Survey.session)


def may_answer(user, survey=None):
    """Whether the user answers surveys at all — and, given `survey`, is asked by it."""
    if user.id not in _participants(user):
        return False
    return (
        survey is None
        or survey.session_id is None
        or Survey.select().where((Survey.id == survey.id) & attended(user.id)).exists()
    )


def done(survey, user):
    return SurveyDone.select().where((SurveyDone.survey == survey) & (SurveyDone.user == user.id))


def waiting_for(user, today=None):
    """[(survey, has draft)] open now and not answered by the user."""
    if not may_answer(user):
        return []
    today = today or today_local()  # surveys open and close by the Polish calendar
    answered = SurveyDone.select(SurveyDone.survey).where(SurveyDone.user == user.id)
    drafts = {
        d.survey_id
        for d in SurveyDraft.select(SurveyDraft.survey).where(SurveyDraft.user == user.id)
    }
    query = (
        Survey.select(Survey, Module, ModuleSession)
        .join(Module)
        .switch(Survey)
        .join(ModuleSession, JOIN.LEFT_OUTER)
        .where(
            (Survey.opens_on <= today)
            & (Survey.closes_on >= today)
            & Survey.id.not_in(answered)
            & attended(user.id)
            & fn.EXISTS(Question.select().where(Question.survey == Survey.id))
        )
        .order_by(Survey.closes_on, Survey.id)
    )
    return [(s, s.id in drafts) for s in query]


def answered_by(user):
    return list(
        Survey.select(Survey, Module)
        .join(Module)
        .switch(Survey)
        .join(SurveyDone, on=SurveyDone.survey == Survey.id)
        .where(SurveyDone.user == user.id)
        .order_by(Module.number, Survey.id)
    )


def load_draft(survey, user):
    draft = SurveyDraft.get_or_none((SurveyDraft.survey == survey) & (SurveyDraft.user == user.id))
    return json.loads(draft.data) if draft else {}


def _check_open(survey, user, today=None):
    if state(survey, today) != "open":
        raise Locked("Ankieta jest zamknięta — nie można już zapisywać odpowiedzi.")
    if done(survey, user).exists():
        raise AlreadyAnswered()
    if not may_answer(user, survey):
        raise Locked("Tę ankietę wypełniają tylko obecni na tych zajęciach.")


def save_draft(survey, user, answers):
    """answers: {question id (str): value or [values]}."""
    data = json.dumps(answers, ensure_ascii=False)
    with write_tx():
        _check_open(survey, user)
        SurveyDraft.insert(survey=survey, user=user.id, data=data).on_conflict(
            conflict_target=[SurveyDraft.survey, SurveyDraft.user],
            update={SurveyDraft.data: data},
        ).execute()


def submit(survey, user, answers):
    """Record that the user answered, put the answers into the pool without the person (they
    reach the results with the next batch, flush_pending_answers), drop the draft — at once."""
    group = _participants(user).get(user.id)
    values = []
    for question in questions(survey):
        value = answers.get(str(question.id))
        items = dict.fromkeys(value if isinstance(value, list) else [value])  # once each
        values += [[question.id, item] for item in items if item not in (None, "")]
    try:
        with write_tx():
            _check_open(survey, user)
            _pend(survey, user.id, group, values)
            SurveyDraft.delete().where(
                (SurveyDraft.survey == survey) & (SurveyDraft.user == user.id)
            ).execute()
    except IntegrityError as exc:  # the same person twice at once: the unique key refuses one
        raise AlreadyAnswered() from exc


def _pend(survey, user_id, group, values):
    SurveyDone.create(survey=survey, user=user_id)
    SurveyPending.create(survey=survey, group=group, data=json.dumps(values, ensure_ascii=False))


def pending_count(survey):
    """Submitted answers not in the results yet (waiting for their batch)."""
    return SurveyPending.select().where(SurveyPending.survey == survey).count()


def flush_pending_answers(min_batch=MIN_GROUP, force_closed=True, today=None):
    """Move waiting answers into the results: per survey, all of them in shuffled order once
    at least `min_batch` wait — or, `force_closed`, whatever waits when the survey has closed.
    Each batch is its own transaction, apart from the submissions, so neither the order of the
    stored rows nor a transaction id follows who answered when. Afterwards the deleted pool rows
    leave no trace in the database files (SQLite: secure_delete, then the WAL checkpointed and
    truncated; PostgreSQL: the pool and draft tables rewritten by VACUUM FULL). A periodic job
    runs it. Returns (answers moved, answers still waiting)."""
    waiting = dict(
        SurveyPending.select(SurveyPending.survey, fn.COUNT(SurveyPending.id))
        .group_by(SurveyPending.survey)
        .tuples()
    )
    moved = 0
    for survey in Survey.select().where(Survey.id.in_(list(waiting) or [0])):
        closed = force_closed and state(survey, today) == "closed"
        if waiting[survey.id] >= min_batch or closed:
            moved += _flush(survey)
    _wipe_deleted()
    return moved, sum(waiting.values()) - moved


def _flush(survey):
    with write_tx():
        pending = list(locked(SurveyPending.select().where(SurveyPending.survey == survey)))
        _random.shuffle(pending)
        responses = [SurveyResponse(survey=survey, group=p.group) for p in pending]
        answers = []
        for item, response in zip(pending, responses, strict=True):
            answers += [
                {"response": response.id, "question": question_id, "value": value}
                for question_id, value in json.loads(item.data)
            ]
        _random.shuffle(answers)
        SurveyResponse.bulk_create(responses, batch_size=500)
        for start in range(0, len(answers), 500):
            SurveyAnswer.insert_many(answers[start : start + 500]).execute()
        SurveyPending.delete().where(SurveyPending.id.in_([p.id for p in pending])).execute()
    return len(pending)


def _wipe_deleted():
    if is_sqlite():
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif is_postgres():
        for model in (SurveyPending, SurveyDraft):
            db.execute_sql(f'VACUUM FULL "{model._meta.table_name}"')
