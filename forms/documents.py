"""Forms of the documents area: recording a signed copy, uploading a template."""

from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, ValidationError
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from lib.formatting import date_pl, today_local
from models import DB_INT_MAX
from services.documents import KINDS, SIGNED_KINDS

from .base import DATE_MESSAGE, BaseForm, PlDateField


class SignedForm(BaseForm):
    # lists of attendance and certificates are not signed documents of a JST: refused here
    # with a message (rather than WTForms' "not a valid choice")
    kind = SelectField(
        "Dokument",
        choices=[(kind, KINDS[kind].label) for kind in SIGNED_KINDS],
        validate_choice=False,
        validators=[
            AnyOf(
                SIGNED_KINDS,
                message="Podpisany egzemplarz zapisuje się tylko dla oświadczenia uczestnika, "
                "deklaracji współpracy i planu.",
            )
        ],
    )
    participant = IntegerField(
        "Uczestnik", validators=[Optional(), NumberRange(min=1, max=DB_INT_MAX)]
    )
    version = IntegerField("Wersja planu", validators=[Optional(), NumberRange(min=1, max=10_000)])
    received_on = PlDateField(
        "Data otrzymania podpisanego egzemplarza", validators=[InputRequired(DATE_MESSAGE)]
    )

    def validate_received_on(self, field):
        if field.data is not None and field.data > today_local():
            raise ValidationError(
                f"Data otrzymania nie może być późniejsza niż dziś ({date_pl(today_local())})."
            )

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        # a plan is signed as one of its frozen versions, never as the draft of the moment
        if self.kind.data == "plan" and self.version.data is None:
            self.version.errors.append(
                "Proszę podać wersję planu, której podpisany egzemplarz wrócił."
            )
            return False
        if self.kind.data == "oswiadczenie" and self.participant.data is None:
            self.participant.errors.append(
                "Wskaż uczestnika, którego podpisane oświadczenie wróciło."
            )
            return False
        return True


class TemplateForm(BaseForm):
    file = FileField("Plik .docx", validators=[FileRequired("Proszę wybrać plik .docx.")])
