"""Forms of the documents area: recording a signed copy, uploading a template."""

from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from services.documents import KINDS

from .base import DATE_MESSAGE, BaseForm, PlDateField


class SignedForm(BaseForm):
    kind = SelectField("Dokument", choices=[(k, v.label) for k, v in KINDS.items()])
    participant = IntegerField(validators=[Optional(), NumberRange(min=1)])
    version = IntegerField(validators=[Optional(), NumberRange(min=1, max=10_000)])
    received_on = PlDateField(
        "Data otrzymania podpisanego egzemplarza", validators=[InputRequired(DATE_MESSAGE)]
    )


class TemplateForm(BaseForm):
    file = FileField("Plik .docx", validators=[FileRequired("Wybierz plik .docx.")])
