"""Forms of the surveys (builder, the answer form made from a survey's questions) and of the
certificates' completion rule."""

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from models.surveys import QUESTION_KINDS
from services.surveys import (
    PLAN_RULES,
    RATING_LABELS,
    TEXT_MAX,
    WORKSHOP_QUESTIONS,
    all_surveys,
)

from .base import BaseForm, PlDateField, short


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (rendered in a fieldset like a RadioField)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SurveyForm(BaseForm):
    title = StringField("Tytuł ankiety", validators=[DataRequired("Proszę podać tytuł."), short()])
    module = SelectField("Moduł", coerce=int, validators=[InputRequired("Proszę wybrać moduł.")])
    session = SelectField("Zajęcia (opcjonalne)", coerce=int)
    opens_on = PlDateField("Otwarta od", validators=[Optional()])
    closes_on = PlDateField("Otwarta do", validators=[Optional()])
    experts_see_results = BooleanField("Eksperci widzą wyniki grup roboczych swoich JST")


class QuestionForm(BaseForm):
    kind = SelectField("Rodzaj pytania", choices=list(QUESTION_KINDS.items()))
    text = StringField(
        "Treść pytania", validators=[DataRequired("Proszę wpisać treść."), short(500)]
    )
    required = BooleanField("Odpowiedź obowiązkowa", default=True)
    options = TextAreaField(
        "Odpowiedzi do wyboru (po jednej w linii; dla pytań wyboru)",
        validators=[Length(max=2000, message="Najwyżej 2000 znaków.")],
    )


class CopyForm(BaseForm):
    module = SelectField("Skopiuj do modułu", coerce=int, validators=[InputRequired()])


class WorkshopSurveyForm(BaseForm):
    session = SelectField("Zajęcia", coerce=int, validators=[InputRequired()])
    source = SelectField("Pytania", coerce=int, validators=[InputRequired()])


def workshop_form(sessions, submitted=False):
    """Attaching a survey to one workshop of a module — one of `sessions` (those without a
    survey) — or to all of them at once (0), with the short set of questions (0) or those of
    another survey; `submitted`: as posted."""
    form = WorkshopSurveyForm() if submitted else WorkshopSurveyForm(formdata=None)
    form.session.choices = [(0, "wszystkie zajęcia modułu bez ankiety")] + [
        (s.id, f"dzień {s.day}, {s.start}–{s.end}: {s.title}") for s in sessions
    ]
    short_set = "; ".join(text for _, text, _, _ in WORKSHOP_QUESTIONS)
    form.source.choices = [(0, f"krótki zestaw: {short_set}")] + [
        (survey.id, f"jak w ankiecie „{survey.title}” (moduł {survey.module.number})")
        for survey, _ in all_surveys()
    ]
    return form


class RuleForm(BaseForm):
    min_attendance = IntegerField(
        "Minimalna obecność (% dni modułów)",
        validators=[
            InputRequired("Proszę podać liczbę od 0 do 100."),
            NumberRange(0, 100, "Proszę podać liczbę od 0 do 100."),
        ],
    )
    plan_status = SelectField("Wymagany status planu JST", choices=list(PLAN_RULES.items()))


class Marked:
    """Marks a required question (asterisk, `required`); checked on submission only."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


def answer_form_class(questions):
    """A form with one field (q<id>) per question; every field optional here: required
    questions are checked on submission only, so a draft can be saved half-filled."""

    class AnswerForm(BaseForm):
        pass

    for question in questions:
        label = question.text
        optional = [Optional(), Marked()] if question.required else [Optional()]
        if question.kind == "rating":
            field = RadioField(label, choices=list(RATING_LABELS.items()), validators=optional)
        elif question.kind == "single":
            field = RadioField(
                label, choices=[(c, c) for c in question.choices], validators=optional
            )
        elif question.kind == "multiple":
            field = MultiCheckboxField(
                label, choices=[(c, c) for c in question.choices], validators=optional
            )
        else:
            length = Length(max=TEXT_MAX, message=f"Najwyżej {TEXT_MAX} znaków.")
            field = TextAreaField(label, validators=[*optional, length])
        setattr(AnswerForm, f"q{question.id}", field)
    return AnswerForm
