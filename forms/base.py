"""The base form: every text field is cleaned of control characters and trimmed."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Email, Length, ValidationError
from wtforms.widgets import HiddenInput, TextInput

from lib.plural import count_pl
from lib.polish_input import DATE_MESSAGE as DATE_MESSAGE  # the forms' date message
from lib.polish_input import check_phone, date_input, parse_date
from lib.text import clean


class _Polish:
    """WTForms' Polish catalogue, with the messages it leaves untranslated (empty or fuzzy)."""

    catalogue = get_translations(["pl_PL", "pl"])
    missing = {
        "'%(value)s' is not a valid choice for this field.": "Nieprawidłowy wybór: %(value)s.",
        "This field cannot be edited.": "Tego pola nie można zmieniać.",
        "This field is disabled and cannot have a value.": "To pole jest wyłączone.",
        "Not a valid time value.": "Nieprawidłowa godzina.",
        "Not a valid week value.": "Nieprawidłowy tydzień.",
    }

    def gettext(self, message):
        return self.missing.get(message) or self.catalogue.gettext(message)

    def ngettext(self, singular, plural, n):
        return self.missing.get(singular) or self.catalogue.ngettext(singular, plural, n)


_POLISH = _Polish()


class _HiddenWithoutId(HiddenInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)
        return super().__call__(field, **kwargs)


SHORT = 200  # short texts (CharField max_length)
LONG = 10_000  # long texts


def _clean_filter(value):
    if isinstance(value, str):
        return clean(value).strip()
    return value


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _POLISH  # WTForms' own messages in Polish (Flask-WTF would need Flask-Babel)

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, CSRFTokenField):
                # no id: a page with several forms would repeat id="csrf_token"
                options["widget"] = _HiddenWithoutId()
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                options["filters"] = (_clean_filter, *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)


def first_error(form):
    """ "Label: message" of the form's first error — for a small form answered by a redirect."""
    return next(f"{field.label.text}: {field.errors[0]}" for field in form if field.errors)


def short(max_length=SHORT):
    """A Length validator whose limit equals the column size (and is shown as “maks. N znaków”)."""
    return Length(max=max_length, message=f"Najwyżej {_characters(max_length)}.")


def long(max_length=LONG):
    return Length(max=max_length, message=f"Najwyżej {_characters(max_length)}.")


def _characters(n):
    return count_pl(n, "znak", "znaki", "znaków")


class PlDateField(DateField):
    """A date typed as DD.MM.RRRR (the Polish way, shown so) or RRRR-MM-DD, in a text field: a
    browser's date picker would not let anyone type the Polish form."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, render_kw=None, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", **(render_kw or {})}
        super().__init__(label, validators, format="%Y-%m-%d", render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return date_input(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        if not valuelist[0].strip():
            raise ValueError(DATE_MESSAGE)
        self.data = parse_date(valuelist[0])  # ValueError(DATE_MESSAGE) when not a date


def phone_number(form, field):
    """A validator: an empty field passes, anything else must be a phone number."""
    if field.data:
        try:
            check_phone(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class PersonFields(BaseForm):
    """A person's e-mail address and name, as every form that adds someone asks for them."""

    email = EmailField(
        "Adres e-mail",
        validators=[
            DataRequired("Proszę podać adres e-mail."),
            Email("To nie jest poprawny adres e-mail."),
            short(254),
        ],
    )
    full_name = StringField(
        "Imię i nazwisko", validators=[DataRequired("Proszę podać imię i nazwisko."), short()]
    )
