"""Forms of reaching people (issue 20): a message to the mentor, an announcement."""

from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from services import announcements, preferences
from services.mentor import MAX_LENGTH

from .base import BaseForm, long, short
from .jst import GROUP_CHOICES, KIND_CHOICES


class MessageForm(BaseForm):
    body = TextAreaField(
        "Wiadomość", validators=[DataRequired("Proszę wpisać treść wiadomości."), long(MAX_LENGTH)]
    )


class AnnouncementForm(BaseForm):
    title = StringField("Tytuł", validators=[DataRequired("Proszę wpisać tytuł."), short(200)])
    body = TextAreaField(
        "Treść (zwykły tekst; adresy https://… staną się linkami)",
        validators=[DataRequired("Proszę wpisać treść ogłoszenia."), long(announcements.MAX_BODY)],
    )
    audience = SelectField("Do kogo", choices=list(announcements.AUDIENCES.items()))
    group = SelectField("Grupa programu (gdy do grupy)", choices=GROUP_CHOICES)
    kind = SelectField("Rodzaj JST (gdy do rodzaju)", choices=KIND_CHOICES)
    jst = SelectField("JST (gdy do jednej JST)", choices=[], validate_choice=False)
    attachment = FileField("Załącznik (opcjonalne; PDF, DOCX, XLSX, PNG, JPG; do 5 MB)")

    def audience_value(self):
        return {"group": self.group.data, "kind": self.kind.data, "jst": self.jst.data}.get(
            self.audience.data, ""
        )

    def validate_jst(self, field):
        if self.audience.data == "jst" and not (field.data or "").isdigit():
            raise ValidationError("Proszę wybrać JST.")


class PreferenceForm(BaseForm):
    mode = RadioField("Powiadomienia e-mailem", choices=list(preferences.MODES.items()))
