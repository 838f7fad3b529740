"""Forms of the plan wizard: one form per step's text fields, one per kind of row."""

from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lib.formatting import money_pl
from lib.identifiers import rspo_ok
from lib.polish_input import month_input, parse_money, parse_month
from services import jsts, plans

from .base import BaseForm, long, short
from .jst import ProfileFields


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class VersionedForm(BaseForm):
    uid = HiddenField()
    version = HiddenField()
    opened = HiddenField()  # field → digest of the value the form showed (JSON), see row_form
    row_kind = None  # the row kind (plans.ROW_KINDS) each subclass is the form of

    @property
    def started_from(self):
        """The row version the user started from (None for a new row)."""
        return _version(self.version.data)


def text_form_class(step):
    """The step's text fields, each with the version the user started from and a digest of the
    text the form showed (o_<field>)."""
    attrs = {}
    for field, label in plans.TEXT_FIELDS[step]:
        attrs[field] = TextAreaField(label, validators=[long()])
        attrs[f"v_{field}"] = HiddenField()
        attrs[f"o_{field}"] = HiddenField()
    return type(f"TextForm_{step}", (BaseForm,), attrs)


text_digest = plans.digest


def submitted_texts(form, step):
    """field → (value, version started from) of the fields the user changed: a field still
    showing the text the form opened with is left out, so another person's save of it meanwhile
    is no conflict."""
    submitted = {}
    for field, _label in plans.TEXT_FIELDS[step]:
        value = form[field].data or ""
        if form[f"o_{field}"].data != text_digest(value):
            submitted[field] = (value, _version(form[f"v_{field}"].data) or 0)
    return submitted


ProfileStepForm = type(
    "ProfileStepForm",
    (ProfileFields,),
    {
        "__doc__": "The JST profile in the wizard: each field with a digest of the text the "
        "form showed (o_<field>), so a save merges field by field.",
        **{f"o_{name}": HiddenField() for name in jsts.PROFILE_FIELDS},
    },
)


def opened_profile_form(jst):
    """The wizard's profile form showing the saved profile."""
    form = ProfileStepForm(formdata=None, obj=jst, version=jst.version)
    for name in jsts.PROFILE_FIELDS:
        form[f"o_{name}"].data = text_digest(form[name].data)
    return form


def submitted_profile(form):
    """field → (value, digest of the text the form showed; None when unknown) of the profile
    fields the user changed, as submitted_texts."""
    submitted = {}
    for name in jsts.PROFILE_FIELDS:
        value = form[name].data or ""
        started = form[f"o_{name}"].data or None
        if started != text_digest(value):
            submitted[name] = (value, started)
    return submitted


def changed_meanwhile(form, jst):
    """[(field, saved value)] of the profile fields saved with other text since the form showed
    them (fields whose shown text the form does not say are left out)."""
    changed = []
    for name in jsts.PROFILE_FIELDS:
        shown = form[f"o_{name}"].data
        saved = getattr(jst, name) or ""
        if shown and shown != text_digest(saved):
            changed.append((name, saved))
    return changed


def show_merged_profile(form, jst, conflicts):
    """After a save with conflicts: the fields in conflict keep the user's text, the others show
    the profile as saved now (the user's own changes included), and every field starts from
    the saved text — saving again is a deliberate merge."""
    conflicting = {name for name, _value in conflicts}
    for name in jsts.PROFILE_FIELDS:
        saved = getattr(jst, name) or ""
        if name not in conflicting:
            form[name].data = saved
        form[f"o_{name}"].data = text_digest(saved)
    form.version.data = jst.version


class _OptionalSelect(SelectField):
    """A select of this plan's rows: an empty choice allowed, anything else must be offered."""

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=_int_or_none, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and self.data not in {v for v, _l in self.choices}:
            raise ValidationError("Proszę wybrać pozycję z listy.")


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # refused by pre_validate


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=_int_or_none, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        allowed = {v for v, _l in self.choices}
        if any(v not in allowed for v in self.data or []):
            raise ValidationError("Proszę wybrać pozycje z listy.")


class StrategicGoalForm(VersionedForm):
    row_kind = "cele-strategiczne"
    title = TextAreaField(
        "Cel strategiczny", validators=[DataRequired("Proszę opisać cel."), long()]
    )


class OperationalGoalForm(VersionedForm):
    row_kind = "cele-operacyjne"
    strategic_goal = _OptionalSelect("Cel strategiczny, któremu służy")
    title = TextAreaField("Cel operacyjny", validators=[DataRequired("Proszę opisać cel."), long()])

    def validate_strategic_goal(self, field):
        if field.data is None:
            raise ValidationError("Proszę wybrać cel strategiczny.")


class PartnerForm(VersionedForm):
    row_kind = "partnerzy"
    institution = StringField(
        "Instytucja", validators=[DataRequired("Proszę podać nazwę instytucji."), short()]
    )
    person = StringField("Osoba do kontaktu", validators=[short()])
    role = StringField("Rola w koalicji", validators=[short()])
    contribution = TextAreaField("Wkład w realizację planu", validators=[long()])
    contact = StringField("Kontakt (e-mail, telefon)", validators=[short()])


class SchoolForm(VersionedForm):
    row_kind = "szkoly"
    name = StringField(
        "Nazwa szkoły lub przedszkola", validators=[DataRequired("Proszę podać nazwę."), short()]
    )
    kind = SelectField("Typ", choices=[("", "— proszę wybrać —"), *plans.SCHOOL_KINDS], default="")
    rspo = StringField("Numer RSPO", validators=[short(10)])
    address = StringField("Adres", validators=[short()])
    headteacher = StringField("Dyrektor", validators=[short()])

    def validate_rspo(self, field):
        if field.data and not rspo_ok(field.data):
            raise ValidationError("Numer RSPO składa się z samych cyfr (do 10).")


class ActionForm(VersionedForm):
    row_kind = "dzialania"
    title = StringField(
        "Nazwa działania", validators=[DataRequired("Proszę podać nazwę."), short()]
    )
    goal = _OptionalSelect("Cel operacyjny, któremu służy")
    area = SelectField(
        "Obszar kompetencji",
        choices=[("", "— proszę wybrać —"), *plans.COMPETENCE_AREAS],
        default="",
    )
    schools = _Checkboxes("Szkoły objęte działaniem")
    partners = _Checkboxes("Partnerzy z koalicji")
    responsible = StringField("Odpowiedzialny", validators=[short()])
    start_month = StringField("Początek (miesiąc)", validators=[short(10)])
    end_month = StringField("Koniec (miesiąc)", validators=[short(10)])
    cost = StringField("Koszt w zł", validators=[short(30)])
    funding = StringField("Źródło finansowania", validators=[short()])
    expected_result = TextAreaField("Oczekiwany rezultat", validators=[long()])
    indicator = StringField("Wskaźnik", validators=[short()])
    target = StringField("Wartość docelowa", validators=[short()])
    verification = StringField("Źródło weryfikacji", validators=[short()])

    def validate_start_month(self, field):
        field.data = _month(field.data)

    def validate_end_month(self, field):
        field.data = _month(field.data)
        start = self.start_month.data
        if field.data and start and not self.start_month.errors and field.data < start:
            raise ValidationError("Koniec nie może być wcześniejszy niż początek.")

    def validate_cost(self, field):
        self.cost_grosze = None
        if field.data:
            try:
                self.cost_grosze = parse_money(field.data)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc


def _month(text):
    """“09.2017” or “2017-09” → “2017-09” (stored so, and so sorted); empty stays empty."""
    if not text:
        return ""
    try:
        return parse_month(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class MeasurementForm(VersionedForm):
    row_kind = "pomiary"
    action = _OptionalSelect("Działanie (jego wskaźnik)")
    who = StringField(
        "Kto mierzy", validators=[DataRequired("Proszę podać, kto mierzy wskaźnik."), short()]
    )
    timing = StringField(
        "Kiedy", validators=[DataRequired("Proszę podać, kiedy wskaźnik jest mierzony."), short()]
    )
    how = TextAreaField(
        "Jak (metoda, narzędzie)",
        validators=[
            DataRequired("Proszę opisać, jak wskaźnik jest mierzony (metoda, narzędzie)."),
            long(),
        ],
    )

    def validate_action(self, field):
        if field.data is None:
            raise ValidationError("Proszę wybrać działanie.")


class RiskForm(VersionedForm):
    row_kind = "ryzyka"
    risk = TextAreaField("Ryzyko", validators=[DataRequired("Proszę opisać ryzyko."), long()])
    mitigation = TextAreaField("Sposób zapobiegania", validators=[long()])


ROW_FORMS = {
    form.row_kind: form
    for form in (
        StrategicGoalForm,
        OperationalGoalForm,
        PartnerForm,
        SchoolForm,
        ActionForm,
        MeasurementForm,
        RiskForm,
    )
}
CHOICE_FIELDS = {
    "strategic_goal": "strategic_goal",
    "goal": "goal",
    "schools": "schools",
    "partners": "partners",
    "action": "action",
}


def row_form(edit, plan_choices, formdata=None):
    """The form of the row `edit` (plans.open_row) opened, its selects limited to this plan's
    rows: the input submitted (or `formdata`), else the saved row with the digest of each value
    it shows (RowEdit.opened: a conflict can tell which fields the user changed), else a new
    row's uid. A row deleted meanwhile: the input, offered as a new row."""
    form_class = ROW_FORMS[edit.kind]
    form = form_class(formdata=formdata) if formdata is not None else form_class()
    if formdata is None and not form.is_submitted():
        if edit.row is not None:
            form = form_class(formdata=None, obj=edit.row)
            _show_row(form, edit)
        else:
            form.uid.data = edit.uid  # the same uid on a double click: created once
    if edit.deleted:
        _offer_as_new(form, edit)
    _limit_choices(form, plan_choices)
    return form


def _show_row(form, edit):
    """Put the saved row's values into the form, with the digests of what it shows."""
    row = edit.row
    if edit.kind == "dzialania":
        form.cost.data = _cost_text(row.cost_grosze)
        form.start_month.data = month_input(row.start_month)
        form.end_month.data = month_input(row.end_month)
        form.schools.data = [link.school_id for link in row.school_links]
        form.partners.data = [link.partner_id for link in row.partner_links]
        form.goal.data = row.goal_id
    for name in ("strategic_goal", "action"):
        if name in form._fields:
            form[name].data = getattr(row, f"{name}_id")
    form.uid.data, form.version.data, form.opened.data = row.uid, row.version, edit.opened


def _offer_as_new(form, edit):
    form.uid.data, form.version.data, form.opened.data = edit.uid, "", ""


def row_input(form):
    """What the user submitted in a validated row form, as plans.save_edit takes it."""
    values, links = row_values(form)
    return plans.RowInput(values, links, form.started_from, form.opened.data or "", form.uid.data)


def show_outcome(form, outcome, plan_choices):
    """The user's form after a save that did not go through (plans.RowOutcome). Deleted
    meanwhile: their input, offered as a new row. A conflict: the fields the user changed keep
    their input, the others show the row as saved now, and the form starts from that version —
    saving again changes only what this user changed. Returns the form showing the saved row
    (for the conflict page: its labels and choices), None when there is none."""
    if outcome.result == plans.DELETED:
        _offer_as_new(form, outcome.edit)
        return None
    saved_form = ROW_FORMS[outcome.edit.kind](formdata=None, obj=outcome.edit.row)
    _show_row(saved_form, outcome.edit)
    _limit_choices(saved_form, plan_choices)
    for name in outcome.unchanged:
        form[name].data = saved_form[name].data
    form.version.data, form.opened.data = saved_form.version.data, saved_form.opened.data
    return saved_form


# Why a select of this plan's rows is empty, and which step fills it: (reason, step).
EMPTY_CHOICES = {
    "strategic_goal": (
        "Plan nie ma jeszcze celów strategicznych — proszę najpierw dodać cel "
        "strategiczny w kroku „Wizja i cele”.",
        "wizja",
    ),
    "goal": (
        "Plan nie ma jeszcze celów operacyjnych — proszę najpierw dodać cel operacyjny "
        "w kroku „Wizja i cele”.",
        "wizja",
    ),
    "schools": ("Plan nie ma jeszcze szkół — proszę je najpierw dodać w kroku „Szkoły”.", "szkoly"),
    "partners": (
        "Plan nie ma jeszcze partnerów — proszę ich najpierw dodać w kroku „Koalicja”.",
        "koalicja",
    ),
    "action": (
        "Plan nie ma jeszcze działań — proszę najpierw dodać działanie w kroku „Działania”.",
        "dzialania",
    ),
}


def empty_choice(field):
    """(reason, step) when a select of the plan's rows offers nothing to choose, else None."""
    if field.name in EMPTY_CHOICES and not any(v is not None for v, _l in field.choices or []):
        return EMPTY_CHOICES[field.name]
    return None


def _limit_choices(form, plan_choices):
    for name, key in CHOICE_FIELDS.items():
        if name in form._fields:
            options = list(plan_choices[key])
            if isinstance(form[name], _OptionalSelect):
                options = [(None, "— proszę wybrać —"), *options]
            form[name].choices = options


def _cost_text(grosze):
    """The cost as shown in its field: “12 500,00” (a plain space, easy to edit)."""
    return money_pl(grosze).removesuffix("\u00a0zł").replace("\u00a0", " ")


def row_values(form):
    """(model field values, links) from a validated row form."""
    values = {}
    for name in plans.ROW_KINDS[form.row_kind].fields:
        if name == "cost_grosze":
            values[name] = form.cost_grosze
        elif name in ("goal", "strategic_goal", "action"):
            values[name] = form[name].data
        else:
            values[name] = form[name].data or ""
    links = None
    if form.row_kind == "dzialania":
        links = {"schools": form.schools.data or [], "partners": form.partners.data or []}
    return values, links


class MessageForm(BaseForm):
    message = TextAreaField("Uzasadnienie", validators=[Optional(), long(5000)])
