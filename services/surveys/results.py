"""Survey results: counts per answer (shown once the survey has closed, hidden under MIN_GROUP
answers), response rates, exports."""

import statistics
from collections import Counter, defaultdict

from peewee import fn

from lib import exports
from models import TeamMembership
from models.programme import GroupMember, WorkingGroup
from models.surveys import (
    QUESTION_KINDS,
    Question,
    SurveyAnswer,
    SurveyPending,
    SurveyResponse,
)

from .. import policy
from .answering import eligible_members, pending_count, present
from .base import MIN_GROUP, RATING_LABELS
from .building import questions, state, workshop_surveys


def _answered(survey):
    """{working group number or None: number of answers}."""
    return dict(
        SurveyResponse.select(SurveyResponse.group, fn.COUNT(SurveyResponse.id))
        .where(SurveyResponse.survey == survey)
        .group_by(SurveyResponse.group)
        .tuples()
    )


def released(survey, today=None):
    """Whether the survey's results are shown (every view: all, a working group, the exports):
    once it has closed and its last answers are in the results. Each view then shows, once,
    what it will always show — no two looks differ by one person's answer."""
    return state(survey, today) == "closed" and not pending_count(survey)


def hidden_groups(survey):
    """The working groups whose results are not shown (_hidden of the survey's answers)."""
    return _hidden(_answered(survey))


def _hidden(answered):
    """Of {working group number or None: answers}: the groups with fewer than MIN_GROUP answers,
    and the answers of JSTs in no group (never shown apart). "All" minus the groups shown is
    what the hidden ones answered, so when those are some but fewer than MIN_GROUP together, the
    smallest group shown is hidden with them."""
    hidden = {g for g, n in answered.items() if g is None or n < MIN_GROUP}
    together = sum(answered[g] for g in hidden)
    shown = [g for g in answered if g not in hidden]
    if 0 < together < MIN_GROUP and shown:
        hidden.add(min(shown, key=lambda g: (answered[g], g)))
    return hidden


def results(survey, group=None):
    """{"count", "released", "hidden", "questions": [{question, rows [(label, n, %)], answered,
    mean, median, texts}]} of all answers (`group` None) or one working group's; hidden (nothing
    but the count of all answers so far) until released(), for fewer than MIN_GROUP answers and
    for a hidden group (hidden_groups).

    Counted in the database (answers per question and value, respondents per question), so the
    number of queries and the rows read do not grow with the number of answers — except the
    free-text answers, which are the content."""
    responses = SurveyResponse.select(SurveyResponse.id).where(SurveyResponse.survey == survey)
    if group is not None:
        responses = responses.where(SurveyResponse.group == group)
    is_released = released(survey)
    count = responses.count() if is_released or group is None else None
    if (
        not is_released
        or count < MIN_GROUP
        or (group is not None and group in hidden_groups(survey))
    ):
        return {"count": count, "released": is_released, "hidden": True, "questions": []}
    asked = questions(survey)
    # the answers to this survey's questions (the question index), of one group's responses
    # when a group is asked for
    mine = SurveyAnswer.question.in_([q.id for q in asked] or [0])
    if group is not None:
        mine &= SurveyAnswer.response.in_(responses)
    respondents = dict(
        SurveyAnswer.select(SurveyAnswer.question, fn.COUNT(fn.DISTINCT(SurveyAnswer.response)))
        .where(mine)
        .group_by(SurveyAnswer.question)
        .tuples()
    )
    kinds = {q.id: q.kind for q in asked}
    counts = defaultdict(Counter)
    texts = defaultdict(list)
    for question_id, value, n in (
        SurveyAnswer.select(SurveyAnswer.question, SurveyAnswer.value, fn.COUNT(SurveyAnswer.id))
        .where(mine)
        .group_by(SurveyAnswer.question, SurveyAnswer.value)
        .tuples()
    ):
        if kinds[question_id] == "text":
            texts[question_id] += [value] * n
        else:
            counts[question_id][value] = n
    out = []
    for question in asked:
        answered = respondents.get(question.id, 0)
        item = {"question": question, "answered": answered, "rows": [], "texts": []}
        if question.kind == "text":
            item["texts"] = sorted(texts[question.id], key=str.lower)  # no order of arrival
        else:
            labels = (
                RATING_LABELS if question.kind == "rating" else {c: c for c in question.choices}
            )
            given = counts[question.id]
            item["rows"] = [
                (label, given[key], round(100 * given[key] / answered) if answered else 0)
                for key, label in labels.items()
            ]
        if question.kind == "rating" and counts[question.id]:
            # at most five distinct values: the list they stand for, in order
            numbers = sorted(
                number for value, n in counts[question.id].items() for number in [int(value)] * n
            )
            item["mean"] = _number(statistics.mean(numbers))
            item["median"] = _number(statistics.median(numbers))
        out.append(item)
    return {"count": count, "released": True, "hidden": False, "questions": out}


def workshop_results(module, group=None, shared_only=False, today=None):
    """[(survey, summary)] of the module's workshops, `shared_only`: those whose results experts
    see. A summary is what results() would show, in brief — {"released", "hidden", "count",
    "means": [(rating question, mean)]} — by the same rules (released once closed and flushed;
    hidden below MIN_GROUP answers and for a hidden group), in a fixed number of queries
    however many workshops the module has."""
    items = [s for s in workshop_surveys(module) if s.experts_see_results or not shared_only]
    ids = [s.id for s in items] or [0]
    waiting = dict(
        SurveyPending.select(SurveyPending.survey, fn.COUNT(SurveyPending.id))
        .where(SurveyPending.survey.in_(ids))
        .group_by(SurveyPending.survey)
        .tuples()
    )
    answered = defaultdict(dict)
    for survey_id, g, n in (
        SurveyResponse.select(
            SurveyResponse.survey, SurveyResponse.group, fn.COUNT(SurveyResponse.id)
        )
        .where(SurveyResponse.survey.in_(ids))
        .group_by(SurveyResponse.survey, SurveyResponse.group)
        .tuples()
    ):
        answered[survey_id][g] = n
    shown = {}
    for survey in items:
        mine = answered[survey.id]
        count = sum(mine.values()) if group is None else mine.get(group, 0)
        released = state(survey, today) == "closed" and not waiting.get(survey.id)
        hidden = count < MIN_GROUP or (group is not None and group in _hidden(mine))
        shown[survey.id] = {"released": released, "hidden": not released or hidden}
        shown[survey.id]["count"] = count if released and not hidden else None
    ratings = defaultdict(Counter)
    visible = [i for i, v in shown.items() if not v["hidden"]] or [0]
    query = (
        SurveyAnswer.select(Question, SurveyAnswer.value, fn.COUNT(SurveyAnswer.id).alias("n"))
        .join(Question)
        .switch(SurveyAnswer)
        .join(SurveyResponse)
        .where(Question.survey.in_(visible) & (Question.kind == "rating"))
        .group_by(Question, SurveyAnswer.value)
        .order_by(Question.position)
    )
    if group is not None:
        query = query.where(SurveyResponse.group == group)
    questions_of = defaultdict(dict)
    for row in query:
        questions_of[row.question.survey_id][row.question.id] = row.question
        ratings[row.question.id][row.value] = row.n
    for survey in items:
        shown[survey.id]["means"] = [
            (question, _number(_mean(ratings[question.id])))
            for question in questions_of[survey.id].values()
        ]
    return [(survey, shown[survey.id]) for survey in items]


def _mean(counts):
    """The mean rating of {value: n}."""
    return sum(int(value) * n for value, n in counts.items()) / sum(counts.values())


def _number(value):
    """4 rather than 4.0; two decimals at most."""
    return int(value) if float(value).is_integer() else round(value, 2)


def response_rates(survey):
    """{"rows": [(group number or None, eligible, answered or None)], "eligible", "answered"}:
    per working group the participants who may answer (counted in the database) and, once the
    results are released, the answers of a group whose results are shown (None otherwise: a
    group's count must not grow by one answer between two looks); the totals of all groups."""
    eligible = _eligible_per_group(survey)
    answered = _answered(survey)
    shown = set(answered) - hidden_groups(survey) if released(survey) else set()
    groups = sorted(set(eligible) | set(answered), key=lambda g: (g is None, g or 0))
    return {
        "rows": [
            (g, eligible.get(g, 0), answered.get(g, 0) if g in shown else None) for g in groups
        ],
        "eligible": sum(eligible.values()),
        "answered": sum(answered.values()),
    }


def _eligible_per_group(survey):
    """{working group number or None: participants the survey asks} (answering's
    eligible_members — of a workshop's survey, those present at it — counted in the
    database)."""
    query = eligible_members(WorkingGroup.number, fn.COUNT(fn.DISTINCT(TeamMembership.user)))
    if survey.session_id is not None:
        query = query.where(present(TeamMembership.user, survey.session_id))
    return dict(query.group_by(WorkingGroup.number).tuples())


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
