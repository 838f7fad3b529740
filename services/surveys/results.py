"""Survey results: counts per answer (hidden under MIN_GROUP answers), response rates, exports."""

import statistics
from collections import Counter, defaultdict

from peewee import fn

from lib import exports
from models import TeamMembership
from models.programme import GroupMember, WorkingGroup
from models.surveys import (
    QUESTION_KINDS,
    SurveyAnswer,
    SurveyResponse,
)

from .. import policy
from .answering import eligible_members
from .base import MIN_GROUP, RATING_LABELS
from .building import questions


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
    mean, median, texts}]}; hidden (nothing else) when fewer than MIN_GROUP answers.

    Counted in the database (answers per question and value, respondents per question), so the
    number of queries and the rows read do not grow with the number of answers — except the
    free-text answers, which are the content."""
    responses, left_out = _responses(survey, group)
    count = responses.count()
    if count < MIN_GROUP:
        return {"count": count, "left_out": left_out, "hidden": True, "questions": []}
    asked = questions(survey)
    # the answers to this survey's questions (the question index), of the responses counted
    # when some are not (one group, the small groups left out)
    mine = SurveyAnswer.question.in_([q.id for q in asked] or [0])
    if group is not None or left_out:
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
    return {"count": count, "left_out": left_out, "hidden": False, "questions": out}


def _number(value):
    """4 rather than 4.0; two decimals at most."""
    return int(value) if float(value).is_integer() else round(value, 2)


def response_rates(survey):
    """[(group number or None, eligible, answered)] and the total, per working group: both
    counted in the database."""
    eligible = _eligible_per_group()
    answered = _answered(survey)
    groups = sorted(set(eligible) | set(answered), key=lambda g: (g is None, g or 0))
    return [(g, eligible.get(g, 0), answered.get(g, 0)) for g in groups]


def _eligible_per_group():
    """{working group number or None: participants who may answer} (answering's
    eligible_members, counted in the database)."""
    return dict(
        eligible_members(WorkingGroup.number, fn.COUNT(fn.DISTINCT(TeamMembership.user)))
        .group_by(WorkingGroup.number)
        .tuples()
    )


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
