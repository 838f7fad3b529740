from datetime import date

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from lib.identifiers import nip_compact, regon_compact
from lib.polish_input import parse_date
from models import ROLES
from services import settings

from .base import BaseForm, PersonFields, long, short


class UserForm(PersonFields):
    role = SelectField("Rola", choices=list(ROLES.items()))

    def __init__(self, *args, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_roles is not None:
            self.role.choices = [(k, v) for k, v in ROLES.items() if k in allowed_roles]


class RoleForm(BaseForm):
    role = SelectField("Rola", choices=list(ROLES.items()))


def _iso_date_or_empty(form, field):
    """DD.MM.RRRR or RRRR-MM-DD, stored as RRRR-MM-DD (the settings are strings)."""
    if field.data:
        try:
            field.data = parse_date(field.data).isoformat()
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def _days_or_empty(form, field):
    value = (field.data or "").strip()
    if value and not (value.isascii() and value.isdigit() and int(value) <= 365):
        raise ValidationError(
            "Proszę podać liczbę dni od 0 do 365 albo zostawić pole puste (wyłączone)."
        )
    field.data = value


def _identifier_or_empty(compact, message):
    """A validator: an empty value is allowed (the agreement then lists it as missing); a typed
    one must be valid and is stored digits only."""

    def validate(form, field):
        if not field.data:
            return
        digits = compact(field.data)
        if digits is None:
            raise ValidationError(message)
        field.data = digits

    return validate


_ORE_IDENTIFIERS = {
    "ore_nip": _identifier_or_empty(
        nip_compact, "Nieprawidłowy NIP (10 cyfr 0–9 z poprawną cyfrą kontrolną)."
    ),
    "ore_regon": _identifier_or_empty(
        regon_compact, "Nieprawidłowy REGON (9 lub 14 cyfr 0–9 z poprawną cyfrą kontrolną)."
    ),
}


def _validate_programme_end(form, field):
    try:
        start = date.fromisoformat(form.programme_start.data)
        end = date.fromisoformat(field.data)
    except (TypeError, ValueError):  # empty or not a date: the field's own validator says so
        return
    if end < start:
        raise ValidationError(
            "Data zakończenia programu nie może być wcześniejsza niż data rozpoczęcia."
        )


def settings_form_class():
    """The settings form, built from services.settings.FIELDS."""
    attrs = {"validate_programme_end": _validate_programme_end}
    for key, (label, _default, is_long) in settings.FIELDS.items():
        validators = [long() if is_long else short()]
        if key.startswith("programme_") and key != "programme_name" or key == "retention_until":
            validators.append(_iso_date_or_empty)
        if key.startswith("reminder_"):
            validators.append(_days_or_empty)
        if key in _ORE_IDENTIFIERS:
            validators.append(_ORE_IDENTIFIERS[key])
        field_cls = TextAreaField if is_long else StringField
        attrs[key] = field_cls(label, validators=validators)
    return type("SettingsForm", (BaseForm,), attrs)


class LogoForm(BaseForm):
    file = FileField(
        "Pasek logotypów (PNG albo JPEG, do 1 MB)",
        validators=[FileRequired("Proszę wybrać plik z paskiem logotypów.")],
    )
