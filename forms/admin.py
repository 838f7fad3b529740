from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, ValidationError

from models import ROLES
from services import settings

from .base import BaseForm, long, short


class UserForm(BaseForm):
    email = EmailField(
        "Adres e-mail",
        validators=[
            DataRequired("Podaj adres e-mail."),
            Email("To nie jest poprawny adres e-mail."),
            short(254),
        ],
    )
    full_name = StringField(
        "Imię i nazwisko", validators=[DataRequired("Podaj imię i nazwisko."), short()]
    )
    role = SelectField("Rola", choices=list(ROLES.items()))

    def __init__(self, *args, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_roles is not None:
            self.role.choices = [(k, v) for k, v in ROLES.items() if k in allowed_roles]


class RoleForm(BaseForm):
    role = SelectField("Rola", choices=list(ROLES.items()))


def _iso_date_or_empty(form, field):
    from datetime import date

    if field.data:
        try:
            date.fromisoformat(field.data)
        except ValueError as exc:
            raise ValidationError("Podaj datę w formacie RRRR-MM-DD, np. 2017-04-05.") from exc


def settings_form_class():
    """The settings form, built from services.settings.FIELDS."""
    attrs = {}
    for key, (label, _default, is_long) in settings.FIELDS.items():
        validators = [long() if is_long else short()]
        if key.startswith("programme_") and key != "programme_name" or key == "retention_until":
            validators.append(_iso_date_or_empty)
        field_cls = TextAreaField if is_long else StringField
        attrs[key] = field_cls(label, validators=validators)
    return type("SettingsForm", (BaseForm,), attrs)
