"""Forms of the import from the TERYT register (issue 29)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, TextAreaField

from lib.identifiers import VOIVODESHIPS
from services.teryt_register import SCOPES, parse_codes

from .base import BaseForm, long
from .jst import GROUP_CHOICES


class TerytUploadForm(BaseForm):
    file = FileField(
        "Plik TERC (CSV „urzędowy” z serwisu GUS)",
        validators=[FileRequired("Proszę wybrać plik TERC do wczytania.")],
    )


class TerytSelectionForm(BaseForm):
    """What to add from an uploaded register: posted for the preview, and again (its values in
    hidden fields) with „Dodaj” to import."""

    scope = RadioField("Co dodać", choices=list(SCOPES.items()), default="kraj")
    voivodeship = SelectField(
        "Województwo",
        choices=[("", "— proszę wybrać —")] + list(VOIVODESHIPS.items()),
        default="",
    )
    codes = TextAreaField("Kody TERYT", validators=[long(30_000)])
    group_city = SelectField(
        "Grupa programowa miast na prawach powiatu", choices=GROUP_CHOICES, default="2"
    )
    group_voivodeship = SelectField(
        "Grupa programowa województw", choices=GROUP_CHOICES, default="3"
    )

    def validate_voivodeship(self, field):
        if self.scope.data == "wojewodztwo" and not field.data:
            field.errors.append("Proszę wybrać województwo.")

    def validate_codes(self, field):
        if self.scope.data != "kody":
            return
        codes, bad = parse_codes(field.data)
        if bad:
            shown = ", ".join(f"„{t[:12]}”" for t in bad[:5])
            more = f" i {len(bad) - 5} innych" if len(bad) > 5 else ""
            field.errors.append(f"To nie są kody TERYT (2, 4 albo 7 cyfr 0–9): {shown}{more}.")
        elif not codes:
            field.errors.append("Proszę wkleić co najmniej jeden kod TERYT.")

    def choice(self):
        """(scope, voivodeship, codes, groups) as services.teryt_register takes them."""
        codes, _bad = parse_codes(self.codes.data) if self.scope.data == "kody" else ([], [])
        groups = {
            "miasto_na_prawach_powiatu": int(self.group_city.data),
            "wojewodztwo": int(self.group_voivodeship.data),
        }
        return self.scope.data, self.voivodeship.data, codes, groups
