"""The participant's data form (the EU participant register's fields) and the coordinator's
end-of-participation form."""

from datetime import date

from stdnum.pl import pesel as pesel_number
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, ValidationError

from lib.formatting import date_pl, today_local
from lib.identifiers import pesel_compact, pesel_ok, postal_code_ok
from services import participants as p
from services import teryt_places

from .base import BaseForm, PlDateField, phone_number, short

EARLIEST_BIRTH = date(1900, 1, 1)


def _required(label):
    return DataRequired(f"Pole „{label}” jest wymagane.")


class ParticipantForm(BaseForm):
    country = StringField("Kraj", default="Polska", validators=[_required("Kraj"), short(60)])
    first_name = StringField("Imię", validators=[_required("Imię"), short(100)])
    last_name = StringField("Nazwisko", validators=[_required("Nazwisko"), short(100)])
    no_pesel = BooleanField("Nie mam numeru PESEL")
    pesel = StringField("PESEL", validators=[short(11)])
    sex = SelectField("Płeć", choices=[("", "— proszę wybrać —"), *p.SEXES], default="")
    birth_date = PlDateField("Data urodzenia")
    education = SelectField(
        "Wykształcenie",
        choices=[("", "— proszę wybrać —"), *p.EDUCATION],
        default="",
        validators=[_required("Wykształcenie")],
    )
    voivodeship = SelectField(
        "Województwo",
        choices=[("", "— proszę wybrać —"), *p.VOIVODESHIP_CHOICES],
        default="",
        validators=[_required("Województwo")],
    )
    # chosen from the TERYT register (services.teryt_places): the powiats of the chosen
    # voivodeship, the gminas (by TERYT code) of the chosen powiat; set_places() fills them
    powiat = SelectField("Powiat", validators=[_required("Powiat")], validate_choice=False)
    gmina = SelectField("Gmina", validators=[_required("Gmina")], validate_choice=False)
    town = StringField("Miejscowość", validators=[_required("Miejscowość"), short(100)])
    street = StringField("Ulica", validators=[short(100)])
    house_no = StringField("Numer budynku", validators=[_required("Numer budynku"), short(10)])
    flat_no = StringField("Numer lokalu", validators=[short(10)])
    postal_code = StringField("Kod pocztowy", validators=[_required("Kod pocztowy"), short(6)])
    # a gmina miejska or wiejska says the area itself (validate_area); one miejsko-wiejska has both
    area = RadioField("Obszar", choices=p.AREAS, validate_choice=False)
    phone = StringField(
        "Telefon kontaktowy", validators=[_required("Telefon"), short(40), phone_number]
    )
    email = EmailField(
        "Adres e-mail",
        validators=[
            _required("Adres e-mail"),
            Email("To nie jest poprawny adres e-mail."),
            short(254),
        ],
    )
    occupation = StringField("Wykonywany zawód", validators=[_required("Zawód"), short(200)])
    joined_at = PlDateField(
        "Data rozpoczęcia udziału w projekcie",
        validators=[InputRequired("Proszę podać datę rozpoczęcia udziału w projekcie.")],
    )
    minority = SelectField(
        p.SENSITIVE_QUESTIONS["minority"],
        choices=[("", "— bez odpowiedzi —"), *p.SENSITIVE_ANSWERS],
        default="",
    )
    disability = SelectField(
        p.SENSITIVE_QUESTIONS["disability"],
        choices=[("", "— bez odpowiedzi —"), *p.SENSITIVE_ANSWERS],
        default="",
    )
    disadvantage = SelectField(
        p.SENSITIVE_QUESTIONS["disadvantage"],
        choices=[("", "— bez odpowiedzi —"), *p.SENSITIVE_ANSWERS],
        default="",
    )
    clause = BooleanField(
        "Zapoznałam/zapoznałem się z klauzulą informacyjną o przetwarzaniu danych osobowych",
        validators=[DataRequired("Potwierdź zapoznanie się z klauzulą informacyjną.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_places()

    def set_places(self):
        """The powiat and gmina choices for the voivodeship and powiat chosen now."""
        empty = [("", "— proszę wybrać —")]
        self.powiat.choices = empty + teryt_places.powiat_choices(self.voivodeship.data)
        self.gmina.choices = empty + teryt_places.gmina_choices(
            self.voivodeship.data, self.powiat.data
        )

    def validate_powiat(self, field):
        if field.data and field.data not in dict(self.powiat.choices[1:]):
            raise ValidationError(
                "Proszę wybrać powiat z listy powiatów wybranego województwa "
                "(po zmianie województwa: „Pokaż powiaty”)."
            )

    def validate_gmina(self, field):
        if field.data and field.data not in dict(self.gmina.choices[1:]):
            raise ValidationError(
                "Proszę wybrać gminę z listy gmin wybranego powiatu "
                "(po zmianie powiatu: „Pokaż gminy”)."
            )

    def validate_area(self, field):
        place = teryt_places.gmina(self.gmina.data)
        if place and place[3] in teryt_places.AREA_BY_KIND:
            field.data = teryt_places.AREA_BY_KIND[place[3]]
        elif field.data not in dict(p.AREAS):
            raise ValidationError(
                "Proszę wybrać obszar (w gminie miejsko-wiejskiej: miasto albo wieś)."
            )

    def register_address(self):
        """The address's place as stored: the register's names and the gmina's TERYT code."""
        place = teryt_places.gmina(self.gmina.data)
        if place is None:
            return {}
        voivodeship, powiat, gmina, _kind = place
        return {
            "voivodeship": voivodeship,
            "powiat": powiat,
            "gmina": gmina,
            "gmina_teryt": self.gmina.data,
        }

    def validate_pesel(self, field):
        field.data = (field.data or "").strip()
        if self.no_pesel.data:
            field.data = ""
            return
        if not field.data:
            raise ValidationError("Proszę podać PESEL albo zaznaczyć „Nie mam numeru PESEL”.")
        compact = pesel_compact(field.data)
        if compact is None:
            raise ValidationError("Nieprawidłowy PESEL (11 cyfr 0–9 z poprawną cyfrą kontrolną).")
        field.data = compact

    def validate_sex(self, field):
        if not field.data:
            raise ValidationError("Proszę wybrać płeć.")
        if self._pesel_ok() and field.data != self._pesel_sex():
            raise ValidationError("Płeć nie zgadza się z numerem PESEL.")

    def validate_birth_date(self, field):
        if field.data is None:
            if any(field.raw_data or []):
                return  # typed, but not a date: the format message says what to do
            field.errors.clear()  # left empty: one message, not "wrong format" as well
            if self.pesel.data and not self.no_pesel.data:
                raise ValidationError(
                    "Proszę podać datę urodzenia (DD.MM.RRRR) albo poprawić PESEL — "
                    "z poprawnego numeru data zostanie odczytana."
                )
            raise ValidationError("Proszę podać datę urodzenia (DD.MM.RRRR).")
        if field.data > today_local():
            raise ValidationError("Data urodzenia nie może być w przyszłości.")
        if field.data < EARLIEST_BIRTH:
            raise ValidationError("Data urodzenia nie może być wcześniejsza niż 1900-01-01.")
        if self._pesel_ok() and field.data != pesel_number.get_birth_date(self.pesel.data):
            raise ValidationError("Data urodzenia nie zgadza się z numerem PESEL.")
        joined = self.joined_at.data or today_local()
        if p.age_on(field.data, joined) < 18:
            raise ValidationError("Uczestnik musi mieć ukończone 18 lat w dniu przystąpienia.")

    def validate_postal_code(self, field):
        if field.data and not postal_code_ok(field.data):
            raise ValidationError("Kod pocztowy ma postać NN-NNN, np. 00-950.")

    def validate_joined_at(self, field):
        if field.data and field.data > today_local():
            raise ValidationError("Data rozpoczęcia nie może być w przyszłości.")

    def _pesel_ok(self):
        return not self.no_pesel.data and pesel_ok(self.pesel.data)

    def _pesel_sex(self):
        return "M" if pesel_number.get_gender(self.pesel.data) == "M" else "K"

    def fill_from_pesel(self):
        """A participant with a PESEL need not type what it says: birth date and sex."""
        if self._pesel_ok():
            if not any(self.birth_date.raw_data or []):
                self.birth_date.data = pesel_number.get_birth_date(self.pesel.data)
                self.birth_date.process_errors = []
            if not self.sex.data:
                self.sex.data = self._pesel_sex()


class LeavingForm(BaseForm):
    left_at = PlDateField(
        "Data zakończenia udziału w projekcie",
        validators=[InputRequired("Proszę podać datę zakończenia udziału w projekcie.")],
    )
    leaving_status = StringField(
        "Sytuacja uczestnika w chwili zakończenia udziału",
        validators=[
            _required("Sytuacja uczestnika w chwili zakończenia udziału"),
            short(200),
        ],
    )

    def __init__(self, *args, joined_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.joined_at = joined_at  # the stored joining date: participation cannot end before

    def validate_left_at(self, field):
        if field.data is None:
            return
        if field.data > today_local():
            raise ValidationError("Data zakończenia udziału nie może być w przyszłości.")
        if self.joined_at and field.data < self.joined_at:
            raise ValidationError(
                "Data zakończenia udziału nie może być wcześniejsza niż data rozpoczęcia "
                f"({date_pl(self.joined_at)})."
            )
