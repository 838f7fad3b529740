"""The demo survey data (seed-demo)."""

from datetime import date, timedelta

from models import write_tx
from models.programme import Attendance, Module
from models.surveys import (
    Survey,
)

from .. import programme
from .answering import _participants, _pend
from .building import add_question, attach_to_workshops, copy_survey, questions, save_survey


def seed_demo(ctx):
    """A closed survey of module 1 with six anonymous answers and an open survey of module 5;
    a survey of every workshop of module 1 (the first with four answers of those present) and
    an open one of module 5's first workshop, asked only of those present (idempotent)."""
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
    now_open = date.today() - timedelta(days=1), date.today() + timedelta(13)
    final.opens_on, final.closes_on = now_open
    final.save()
    _seed_workshops(first, last, people, now_open)


def _seed_workshops(first, last, people, now_open):
    workshops = attach_to_workshops(first)
    if not workshops:
        return
    rated = questions(workshops[0])
    answers = [("5", "4", "Więcej przykładów z gmin."), ("4", "4", ""), ("4", "5", "")]
    answers.append(("3", "3", "Za mało czasu na ćwiczenia."))
    with write_tx():
        for (user_id, group), values in zip(people, answers, strict=False):
            pairs = [[q.id, v] for q, v in zip(rated, values, strict=True) if v]
            _pend(workshops[0], user_id, group, pairs)
    sessions = programme.sessions(last)
    if sessions:
        (current,) = attach_to_workshops(last, sessions[0])
        current.opens_on, current.closes_on = now_open
        current.save()
