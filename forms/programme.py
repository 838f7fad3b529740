"""Forms of the programme: modules, sessions, tasks, reports, follow-up."""

import re

from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from models.programme import PROGRESS_STATUS, SESSION_KINDS

from .base import DATE_MESSAGE, BaseForm, PlDateField, long, short

TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


class ModuleForm(BaseForm):
    number = IntegerField(
        "Numer modułu",
        validators=[
            InputRequired("Proszę podać numer modułu."),
            NumberRange(1, 20, "Numer od 1 do 20."),
        ],
    )
    start_date = PlDateField("Pierwszy dzień", validators=[InputRequired(DATE_MESSAGE)])
    end_date = PlDateField("Ostatni dzień", validators=[InputRequired(DATE_MESSAGE)])
    venue = StringField("Miejsce", validators=[short()])
    hours = StringField("Godziny", validators=[short()])

    def validate_start_date(self, field):
        if field.data and field.data.year < 2000:
            raise ValidationError("Proszę podać datę z tego stulecia (DD.MM.RRRR).")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("Ostatni dzień nie może być przed pierwszym.")
        if field.data and self.start_date.data and (field.data - self.start_date.data).days > 6:
            raise ValidationError("Moduł trwa najwyżej tydzień.")


class SessionForm(BaseForm):
    day = IntegerField(
        "Dzień modułu",
        validators=[InputRequired("Proszę podać dzień."), NumberRange(1, 7, "Dzień od 1 do 7.")],
    )
    start = StringField("Od (GG:MM)", validators=[DataRequired("Proszę podać godzinę."), short(5)])
    end = StringField("Do (GG:MM)", validators=[DataRequired("Proszę podać godzinę."), short(5)])
    # ids unique on the module page, which shows this form beside TaskForm (both have a title)
    title = StringField(
        "Temat", validators=[DataRequired("Proszę podać temat."), short()], id="session-title"
    )
    kind = SelectField("Rodzaj", choices=list(SESSION_KINDS.items()))

    def validate_start(self, field):
        if not TIME.fullmatch(field.data or ""):
            raise ValidationError("Godzina ma postać GG:MM, np. 10:30.")

    def validate_end(self, field):
        if not TIME.fullmatch(field.data or ""):
            raise ValidationError("Godzina ma postać GG:MM, np. 12:00.")
        if TIME.fullmatch(self.start.data or "") and field.data <= self.start.data:
            raise ValidationError("Koniec musi być po początku.")


class TaskForm(BaseForm):
    title = StringField(
        "Zadanie wdrożeniowe",
        validators=[DataRequired("Proszę podać tytuł."), short()],
        id="task-title",
    )
    description = TextAreaField("Opis", validators=[long()])
    due_date = PlDateField("Termin", validators=[Optional()])


class ReportForm(BaseForm):
    text = TextAreaField(
        "Sprawozdanie zespołu", validators=[DataRequired("Proszę opisać wykonanie."), long()]
    )


class DecisionForm(BaseForm):
    decision = SelectField(
        "Decyzja", choices=[("accept", "przyjmuję"), ("more", "proszę o uzupełnienie")]
    )
    comment = TextAreaField("Komentarz", validators=[long(5000)])

    def validate_comment(self, field):
        if self.decision.data == "more" and not (field.data or "").strip():
            raise ValidationError("Proszę napisać, co zespół ma uzupełnić.")


class AttachmentForm(BaseForm):
    file = FileField(
        "Załącznik (PDF, DOCX, XLSX, PNG, JPG; do 5 MB)",
        validators=[FileRequired("Proszę wybrać plik.")],
    )


class ConsultationForm(BaseForm):
    meeting_date = PlDateField("Data spotkania konsultacyjnego", validators=[Optional()])
    expert = SelectField("Ekspert", coerce=int)
    outcome = TextAreaField("Wynik", validators=[long(5000)])

    def validate_outcome(self, field):
        if not (field.data or "").strip() and not self.meeting_date.data:
            raise ValidationError("Proszę podać datę spotkania albo jego wynik.")


PROGRESS_CHOICES = list(PROGRESS_STATUS.items())
