"""Evaluation surveys (building, anonymous answers, results, exports) and certificates of
completion (the rule, issuing, the verification page)."""

import json
import secrets
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

from peewee import JOIN, IntegrityError, fn

from models import Jst, TeamMembership, User, db, is_postgres, is_sqlite, locked, utcnow, write_tx
from models.plans import STATUS_LABELS, Plan
from models.programme import Attendance, GroupMember, Module, ModuleSession, WorkingGroup
from models.surveys import (
    QUESTION_KINDS,
    Certificate,
    Question,
    Survey,
    SurveyAnswer,
    SurveyDone,
    SurveyDraft,
    SurveyPending,
    SurveyResponse,
    VerifyAttempt,
)

from . import audit, exports, policy, programme, settings
from .documents import filename
from .formatting import today_local

MIN_GROUP = 3  # fewer answers than this: nothing is shown (anonymity)
OPEN_DAYS = 14
TEXT_MAX = 5000
RATING_LABELS = {
    "1": "1 — bardzo słabo",
    "2": "2 — słabo",
    "3": "3 — przeciętnie",
    "4": "4 — dobrze",
    "5": "5 — bardzo dobrze",
}
PLAN_RULES = {
    "none": "bez wymogu",
    "submitted": "plan JST przekazany do opiniowania (co najmniej raz)",
    "accepted": "plan JST zatwierdzony",
}
VERIFY_MAX_FAILS = 20  # wrong codes per address …
VERIFY_WINDOW = timedelta(minutes=10)  # … in this window
_random = secrets.SystemRandom()  # the order answers are stored in (flush_pending_answers)


class Locked(Exception):
    """A change refused with a Polish explanation (answers exist, the survey is closed …)."""


class AlreadyAnswered(Exception):
    pass


class Throttled(Exception):
    pass


# ---------- building ----------


def all_surveys():
    """[(survey, responses)] newest module first."""
    counts = dict(
        SurveyResponse.select(SurveyResponse.survey, fn.COUNT(SurveyResponse.id))
        .group_by(SurveyResponse.survey)
        .tuples()
    )
    query = (
        Survey.select(Survey, Module, ModuleSession)
        .join(Module)
        .switch(Survey)
        .join(ModuleSession, JOIN.LEFT_OUTER)
        .order_by(Module.number.desc(), Survey.id)
    )
    return [(s, counts.get(s.id, 0)) for s in query]


def questions(survey):
    return list(survey.questions.order_by(Question.position))


def default_dates(module):
    return module.end_date, module.end_date + timedelta(days=OPEN_DAYS)


def state(survey, today=None):
    today = today or today_local()  # surveys open and close by the Polish calendar
    if today < survey.opens_on:
        return "planned"
    return "open" if today <= survey.closes_on else "closed"


STATE_LABELS = {"planned": "zaplanowana", "open": "otwarta", "closed": "zamknięta"}


def has_answers(survey):
    """Answers stored or waiting for their batch."""
    return (
        SurveyResponse.select().where(SurveyResponse.survey == survey).exists()
        or SurveyPending.select().where(SurveyPending.survey == survey).exists()
    )


def save_survey(survey, title, module, session, opens_on, closes_on, experts_see_results):
    default_open, default_close = default_dates(module)
    if survey is None:  # a new one just like one made moments ago is that one (a double click)
        survey = Survey.get_or_none(
            (Survey.title == title) & (Survey.module == module) & (Survey.session == session)
        )
        if survey is not None and not has_answers(survey) and not questions(survey):
            return survey
        survey = None
    survey = survey or Survey()
    survey.title = title
    survey.module = module
    survey.session = session
    survey.opens_on = opens_on or default_open
    survey.closes_on = closes_on or default_close
    survey.experts_see_results = experts_see_results
    with write_tx():
        survey.save()
    return survey


def _refuse_if_answered(survey):
    if has_answers(survey):
        raise Locked("Ankieta ma już odpowiedzi — jej pytań nie można zmieniać. Skopiuj ją.")


def add_question(survey, kind, text, required, options):
    choices = [line.strip() for line in options.splitlines() if line.strip()]
    if kind in ("single", "multiple") and len(choices) < 2:
        raise Locked("Pytanie wyboru potrzebuje co najmniej dwóch odpowiedzi (po jednej w linii).")
    if len(set(choices)) != len(choices):
        raise Locked("Odpowiedzi do wyboru nie mogą się powtarzać.")
    options = "\n".join(choices) if kind in ("single", "multiple") else ""
    with write_tx():
        _refuse_if_answered(survey)
        same = Question.get_or_none(
            (Question.survey == survey)
            & (Question.kind == kind)
            & (Question.text == text)
            & (Question.options == options)
        )
        if same is not None:  # the same question again (a double click): asked once
            return same
        position = (
            Question.select(fn.MAX(Question.position)).where(Question.survey == survey).scalar()
            or 0
        )
        return Question.create(
            survey=survey,
            position=position + 1,
            kind=kind,
            text=text,
            required=required,
            options=options,
        )


def delete_question(question):
    with write_tx():
        _refuse_if_answered(question.survey)
        question.delete_instance()


def delete_survey(survey):
    with write_tx():
        if has_answers(survey):
            raise Locked("Ankiety z odpowiedziami nie można usunąć — wyniki zniknęłyby z nią.")
        survey.delete_instance(recursive=True)


def copy_survey(source, module):
    """The same questions for another module, open by default after it."""
    opens_on, closes_on = default_dates(module)
    with write_tx():
        copy = Survey.create(
            title=source.title,
            module=module,
            session=None,
            opens_on=opens_on,
            closes_on=closes_on,
            experts_see_results=source.experts_see_results,
        )
        for q in questions(source):
            Question.create(
                survey=copy,
                position=q.position,
                kind=q.kind,
                text=q.text,
                required=q.required,
                options=q.options,
            )
    return copy


# ---------- answering ----------


def _participants(user=None):
    """{user id: working group number or None} of the current teams of active JSTs (only
    `user`'s entry, when given)."""
    query = (
        TeamMembership.select(TeamMembership.user, WorkingGroup.number)
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
        .tuples()
    )
    return dict(query.where(TeamMembership.user == user.id) if user else query)


def may_answer(user):
    return user.id in _participants(user)


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
        Survey.select(Survey, Module)
        .join(Module)
        .where(
            (Survey.opens_on <= today)
            & (Survey.closes_on >= today)
            & Survey.id.not_in(answered)
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


# ---------- results ----------


def _answered(survey):
    """{working group number or None: number of answers}."""
    return dict(
        SurveyResponse.select(SurveyResponse.group, fn.COUNT(SurveyResponse.id))
        .where(SurveyResponse.survey == survey)
        .group_by(SurveyResponse.group)
        .tuples()
    )


def _responses(survey, group):
    """The answers of one working group, or of all (`group` None). "All" minus the groups shown
    is the answers of the groups hidden (fewer than MIN_GROUP each): when those together are
    fewer than MIN_GROUP too, they are left out of "all". Returns (query, number left out)."""
    query = SurveyResponse.select(SurveyResponse.id).where(SurveyResponse.survey == survey)
    if group is not None:
        return query.where(SurveyResponse.group == group), 0
    small = {g: n for g, n in _answered(survey).items() if n < MIN_GROUP}
    if sum(small.values()) >= MIN_GROUP:  # together they are as anonymous as a shown group
        return query, 0
    numbers = [g for g in small if g is not None]
    if numbers:
        query = query.where(SurveyResponse.group.not_in(numbers) | SurveyResponse.group.is_null())
    if None in small:
        query = query.where(SurveyResponse.group.is_null(False))
    return query, sum(small.values())


def results(survey, group=None):
    """{"count", "left_out", "hidden", "questions": [{question, rows [(label, n, %)], answered,
    mean, median, texts}]}; hidden (nothing else) when fewer than MIN_GROUP answers."""
    responses, left_out = _responses(survey, group)
    count = responses.count()
    if count < MIN_GROUP:
        return {"count": count, "left_out": left_out, "hidden": True, "questions": []}
    values = defaultdict(list)
    respondents = defaultdict(set)
    for question_id, response_id, value in (
        SurveyAnswer.select(SurveyAnswer.question, SurveyAnswer.response, SurveyAnswer.value)
        .where(SurveyAnswer.response.in_(responses))
        .tuples()
    ):
        values[question_id].append(value)
        respondents[question_id].add(response_id)
    out = []
    for question in questions(survey):
        answered = len(respondents[question.id])
        item = {"question": question, "answered": answered, "rows": [], "texts": []}
        if question.kind == "text":
            item["texts"] = sorted(values[question.id], key=str.lower)  # no order of arrival
        else:
            labels = (
                RATING_LABELS if question.kind == "rating" else {c: c for c in question.choices}
            )
            counts = Counter(values[question.id])
            item["rows"] = [
                (label, counts[key], round(100 * counts[key] / answered) if answered else 0)
                for key, label in labels.items()
            ]
        if question.kind == "rating" and values[question.id]:
            numbers = [int(v) for v in values[question.id]]
            item["mean"] = _number(statistics.mean(numbers))
            item["median"] = _number(statistics.median(numbers))
        out.append(item)
    return {"count": count, "left_out": left_out, "hidden": False, "questions": out}


def _number(value):
    """4 rather than 4.0; two decimals at most."""
    return int(value) if float(value).is_integer() else round(value, 2)


def response_rates(survey):
    """[(group number or None, eligible, answered)] and the total, per working group."""
    eligible = Counter(_participants().values())
    answered = _answered(survey)
    groups = sorted(set(eligible) | set(answered), key=lambda g: (g is None, g or 0))
    return [(g, eligible.get(g, 0), answered.get(g, 0)) for g in groups]


def expert_groups(user):
    """Working groups of the expert's current JSTs."""
    return sorted(
        {
            m.group.number
            for m in GroupMember.select(GroupMember, WorkingGroup)
            .join(WorkingGroup)
            .where(GroupMember.jst.in_(list(policy.expert_jst_ids(user)) or [0]))
        }
    )


def result_rows(data):
    """The results (`results()`) as a table, header first: the same rows in CSV and XLSX."""
    rows = [["Pytanie", "Rodzaj", "Odpowiedź", "Liczba", "Procent"]]
    for item in data["questions"]:
        question = item["question"]
        kind = QUESTION_KINDS[question.kind]
        for label, n, percent in item["rows"]:
            rows.append([question.text, kind, label, str(n), f"{percent}%"])
        if "mean" in item:
            rows.append([question.text, kind, "średnia", str(item["mean"]).replace(".", ","), ""])
            rows.append([question.text, kind, "mediana", str(item["median"]).replace(".", ","), ""])
        rows += [[question.text, kind, text, "", ""] for text in item["texts"]]
    return rows


def export(data, fmt):
    """The results (`results()`) as a CSV or XLSX file's bytes."""
    rows = result_rows(data)
    return (
        exports.csv_text(rows, inert=True).encode("utf-8")
        if fmt == "csv"
        else exports.xlsx_bytes("Wyniki", rows)
    )


# ---------- certificates ----------


def rule():
    values = settings.get_all()
    return int(values["certificate_min_attendance"]), values["certificate_plan_status"]


def _plan_ok(status, required):
    if required == "accepted":
        return status == "accepted"
    if required == "submitted":
        return status in ("submitted", "returned", "accepted")
    return True


def candidates():
    """[{user, jst, rate, plan_status, attendance_ok, plan_ok, certificate}] of the current teams,
    with which condition of the completion rule each one meets."""
    min_rate, required = rule()
    rates = programme.attendance_rates(today=date.max, exact=True)  # every module's days
    certificates = {c.user_id: c for c in Certificate.select()}
    query = (
        TeamMembership.select(TeamMembership, User, Jst, Plan.status)
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .join(Plan, JOIN.LEFT_OUTER, on=(Plan.jst == Jst.id), attr="plan")
        .where(TeamMembership.left_at.is_null() & (Jst.status == "active") & User.active)
        .order_by(Jst.name_sort, User.full_name)
    )
    out = []
    for member in query:
        status = getattr(member.jst.plan, "status", None) or "draft"
        rate = rates.get(member.user_id, 0)
        out.append(
            {
                "user": member.user,
                "jst": member.jst,
                "rate": round(rate),
                "plan_status": STATUS_LABELS[status],
                "attendance_ok": rate >= min_rate,
                "plan_ok": _plan_ok(status, required),
                "certificate": certificates.get(member.user_id),
            }
        )
    return out


def issue_certificates(actor, today=None):
    """A certificate (unique number, random verification code) for everyone who qualifies and
    has none yet; returns how many were issued."""
    today = today or today_local()  # surveys open and close by the Polish calendar
    programme_name = settings.get("programme_name")
    prefix = f"ZAS/{today.year}/"
    issued = 0
    try:
        with write_tx():
            for person in candidates():
                if person["certificate"] or not (person["attendance_ok"] and person["plan_ok"]):
                    continue
                last = (
                    Certificate.select(fn.MAX(Certificate.number))
                    .where(Certificate.number.startswith(prefix))
                    .scalar()
                )
                sequence = int(last.rsplit("/", 1)[1]) + 1 if last else 1
                Certificate.create(
                    user=person["user"],
                    number=f"{prefix}{sequence:04d}",
                    code=secrets.token_urlsafe(24),
                    full_name=person["user"].full_name,
                    programme=programme_name,
                    issued_on=today,
                )
                issued += 1
            if issued:
                audit.record("certificates_issued", actor=actor, details=str(issued))
    except IntegrityError as exc:  # issued at the same moment by someone else (a double click)
        raise Locked(
            "Zaświadczenia są właśnie wystawiane — proszę odświeżyć stronę i sprawdzić listę."
        ) from exc
    return issued


def certificate_filename(certificate):
    return filename(
        "zaswiadczenie", f"{certificate.number.replace('/', '-')} {certificate.full_name}"
    )


def issued():
    return list(Certificate.select().order_by(Certificate.number))


def verify(code, address):
    """The certificate with this code, or None; Throttled after too many wrong codes."""
    since = VerifyAttempt.at > utcnow() - VERIFY_WINDOW
    if (
        VerifyAttempt.select().where(since & (VerifyAttempt.address == address)).count()
        >= VERIFY_MAX_FAILS
    ):
        raise Throttled()
    found = Certificate.get_or_none(Certificate.code == code) if len(code) <= 64 else None
    if found is None:
        with write_tx():
            VerifyAttempt.delete().where(VerifyAttempt.at < utcnow() - VERIFY_WINDOW).execute()
            VerifyAttempt.create(address=address)
    return found


# ---------- demo ----------


def seed_demo(ctx):
    """A closed survey of module 1 with six anonymous answers and an open survey of module 5
    (idempotent)."""
    if Survey.select().exists():
        return
    first, last = Module.get_or_none(Module.number == 1), Module.get_or_none(Module.number == 5)
    if first is None or last is None:
        return
    survey = save_survey(None, "Ocena modułu 1", first, None, None, None, True)
    items = [
        ("rating", "Jak oceniają Państwo moduł jako całość?", True, ""),
        ("single", "Czy tempo zajęć było odpowiednie?", True, "za wolne\nodpowiednie\nza szybkie"),
        (
            "multiple",
            "Które zajęcia były najbardziej przydatne?",
            False,
            "diagnoza\nwizja i cele\nkoalicja\nstolik ekspercki",
        ),
        ("text", "Co warto zmienić w kolejnych modułach?", False, ""),
    ]
    for kind, text, required, options in items:
        add_question(survey, kind, text, required, options)
    rated = questions(survey)
    answers = [
        ("5", "odpowiednie", ["diagnoza", "koalicja"], "Więcej czasu na pracę w zespołach."),
        ("4", "odpowiednie", ["wizja i cele"], ""),
        ("4", "za szybkie", ["diagnoza"], "Materiały wcześniej, przed modułem."),
        ("3", "odpowiednie", ["stolik ekspercki"], ""),
        ("5", "za wolne", ["koalicja", "stolik ekspercki"], "Przykłady z innych gmin."),
        ("4", "odpowiednie", [], ""),
    ]
    people = list(_participants().items())
    with write_tx():
        for (user_id, group), values in zip(people[1:], answers, strict=False):
            pairs = [
                [question.id, item]
                for question, value in zip(rated, values, strict=True)
                for item in (value if isinstance(value, list) else [value])
                if item
            ]
            _pend(survey, user_id, group, pairs)
    # attendance: everyone at every module day, but some participants (even ids) miss
    # modules 4 and 5 (so the certificates page shows both outcomes)
    with write_tx():
        for user_id in _participants():
            for module in programme.modules():
                if module.number >= 4 and user_id % 2 == 0:
                    continue
                for day in range(1, programme.module_days(module) + 1):
                    Attendance.create(module=module, user=user_id, day=day)
    final = copy_survey(survey, last)
    final.title = "Ocena programu (ankieta końcowa)"
    final.opens_on, final.closes_on = date.today() - timedelta(days=1), date.today() + timedelta(13)
    final.save()
