"""Forms of the JST administration: profile, team members, experts, withdrawal, CSV import."""

from datetime import date

from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Optional

from models import HEAD_TITLES, JST_KINDS, PROGRAM_GROUPS
from services import jst_rules

from .base import DATE_MESSAGE, BaseForm, PlDateField, long, phone_number, short

KIND_CHOICES = [(key, label) for key, (label, _g, _t) in JST_KINDS.items()]
GROUP_CHOICES = [(str(k), f"grupa {v}") for k, v in PROGRAM_GROUPS.items()]


def _date_field(label, required=False):
    validators = [InputRequired(DATE_MESSAGE)] if required else [Optional()]
    return PlDateField(label, validators=validators)


class ProfileFields(BaseForm):
    """Address, head of office, signatories, countersignature, contact: the part of the profile
    the team may complete as well (the wizard's first step)."""

    street = StringField("Ulica i numer", validators=[short()])
    postal_code = StringField("Kod pocztowy", validators=[short(6)])
    city = StringField("Miejscowość", validators=[short()])
    head_title = SelectField(
        "Organ wykonawczy",
        choices=[("", "— proszę wybrać —")] + [(t, t) for t in HEAD_TITLES],
        default="",
    )
    head_name = StringField("Imię i nazwisko organu wykonawczego", validators=[short()])
    signatory1_name = StringField("Osoba podpisująca — imię i nazwisko", validators=[short()])
    signatory1_function = StringField("Osoba podpisująca — funkcja", validators=[short()])
    signatory2_name = StringField("Druga osoba podpisująca — imię i nazwisko", validators=[short()])
    signatory2_function = StringField("Druga osoba podpisująca — funkcja", validators=[short()])
    countersignatory_name = StringField(
        "Kontrasygnata (np. skarbnik) — imię i nazwisko", validators=[short()]
    )
    countersignatory_function = StringField("Kontrasygnata — funkcja", validators=[short()])
    contact_name = StringField("Osoba do kontaktu", validators=[short()])
    contact_email = StringField("E-mail osoby do kontaktu", validators=[short(254)])
    contact_phone = StringField("Telefon osoby do kontaktu", validators=[short(40), phone_number])
    version = HiddenField()

    def rule_errors(self, kind):
        """Apply the profile rules of services.jst_rules; True when there were none."""
        errors = jst_rules.profile_errors(kind, self.data)
        for name, message in errors.items():
            self[name].errors.append(message)
        return not errors


class JstForm(ProfileFields):
    name = StringField("Nazwa JST", validators=[DataRequired("Proszę podać nazwę JST."), short()])
    kind = SelectField("Rodzaj JST", choices=KIND_CHOICES)
    name_genitive = StringField("Nazwa w dopełniaczu (kogo? czego?)", validators=[short()])
    name_locative = StringField("Nazwa w miejscowniku (w kim? w czym?)", validators=[short()])
    office_locative = StringField(
        "Urząd JST w miejscowniku (zatrudniona w …)", validators=[short()]
    )
    program_group = SelectField("Grupa programowa", choices=GROUP_CHOICES)
    teryt = StringField("TERYT", validators=[DataRequired("Proszę podać kod TERYT."), short(7)])
    nip = StringField("NIP", validators=[short(13)])
    regon = StringField("REGON", validators=[short(14)])
    agreement_date = _date_field("Data deklaracji współpracy")

    def rule_errors(self, kind=None):
        """Profile and identity rules; when all pass, NIP and REGON become digits only."""
        ok = super().rule_errors(self.kind.data)
        errors = jst_rules.identity_errors(
            self.kind.data, self.teryt.data, self.nip.data, self.regon.data
        )
        group = jst_rules.group_error(self.kind.data, int(self.program_group.data))
        if group:
            errors["program_group"] = group
        for name, message in errors.items():
            self[name].errors.append(message)
        if ok and not errors:
            self.nip.data, self.regon.data = jst_rules.compact_identity(
                self.nip.data, self.regon.data
            )
        return ok and not errors


class MemberForm(BaseForm):
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
    function = StringField(
        "Stanowisko", validators=[DataRequired("Proszę podać stanowisko (funkcję) w JST."), short()]
    )
    phone = StringField("Telefon", validators=[short(40), phone_number])


class LeaveForm(BaseForm):
    left_at = _date_field("Data odejścia z zespołu", required=True)
    left_reason = StringField(
        "Powód odejścia", validators=[DataRequired("Proszę podać powód odejścia."), short()]
    )

    def validate_left_at(self, field):
        if field.data and field.data > date.today():
            field.errors.append("Data odejścia nie może być w przyszłości.")


class ReplaceForm(LeaveForm, MemberForm):
    """The leaving member's date and reason, and the person who takes their place."""


class ExpertForm(BaseForm):
    expert = SelectField("Ekspert opiekun", coerce=int, validate_choice=False)

    def validate_expert(self, field):
        if field.data not in {value for value, _label in field.choices}:
            field.errors.append("Proszę wybrać eksperta z listy.")


class WithdrawForm(BaseForm):
    withdrawn_at = _date_field("Data wycofania się z projektu", required=True)
    withdrawn_reason = TextAreaField(
        "Powód", validators=[DataRequired("Proszę podać powód wycofania się."), long(2000)]
    )


class ImportForm(BaseForm):
    file = FileField("Plik CSV", validators=[FileRequired("Proszę wybrać plik CSV do wczytania.")])


class ImportConfirmForm(BaseForm):
    content = HiddenField()
