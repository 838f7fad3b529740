"""Forms of the thematic networks (issue 30.3): a network, a thread, a reply, an invitation."""

from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from services.networks import MAX_BODY

from .base import BaseForm, long, short
from .jst import KIND_CHOICES

ATTACHMENT_LABEL = "Załącznik (opcjonalne; PDF, DOCX, XLSX, PNG, JPG; do 5 MB)"
BODY_LABEL = "Treść (zwykły tekst; adresy https://… staną się linkami)"


class NetworkForm(BaseForm):
    name = StringField(
        "Temat sieci",
        validators=[DataRequired("Proszę wpisać temat sieci."), short(120)],
        description="Np. „Finansowanie oświaty”, „Kompetencje cyfrowe”.",
    )
    description = TextAreaField("Krótki opis (opcjonalne)", validators=[long(1000)])


class PostForm(BaseForm):
    body = TextAreaField(
        BODY_LABEL, validators=[DataRequired("Proszę wpisać treść wpisu."), long(MAX_BODY)]
    )
    attachment = FileField(ATTACHMENT_LABEL)


class ThreadForm(PostForm):
    title = StringField(
        "Tytuł wątku", validators=[DataRequired("Proszę wpisać tytuł wątku."), short(200)]
    )


class GroupInviteForm(BaseForm):
    how = HiddenField(default="group")
    value = SelectField("Grupa robocza", coerce=int, choices=[], id="grupa")


class KindInviteForm(BaseForm):
    how = HiddenField(default="kind")
    value = SelectField("Rodzaj JST", choices=KIND_CHOICES, id="rodzaj")


class PersonInviteForm(BaseForm):
    how = HiddenField(default="person")
    value = RadioField(
        "Osoba",
        id="osoba",
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Proszę wybrać osobę z listy wyników.")],
    )


INVITE_FORMS = {"group": GroupInviteForm, "kind": KindInviteForm, "person": PersonInviteForm}
