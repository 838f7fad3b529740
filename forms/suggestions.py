"""Forms of the expert's suggestions (issue 30.2): proposing new text, accepting, rejecting."""

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from services import plans

from .base import BaseForm, long


def propose_form_class(target):
    """One text area per field of `target` (services.suggestions.Target), each with the digest
    of the text the form showed (o_<field>), and the reason."""
    attrs = {
        "reason": TextAreaField(
            "Uzasadnienie propozycji",
            validators=[DataRequired("Proszę podać uzasadnienie propozycji."), long(2000)],
        )
    }
    for name, label, max_length, _text in target.fields:
        attrs[name] = TextAreaField(
            f"{label[:1].upper()}{label[1:]} — proponowany tekst", validators=[long(max_length)]
        )
        attrs[f"o_{name}"] = HiddenField()
    return type("ProposeForm", (BaseForm,), attrs)


def opened_propose_form(target):
    form = propose_form_class(target)(formdata=None)
    for name, _label, _max, text in target.fields:
        form[name].data = text
        form[f"o_{name}"].data = plans.digest(text)
    return form


def proposed_changes(form, target):
    """({field: proposed text} of the fields whose text the expert changed, {field: digest of
    the text the form showed}); a changed field left empty gets an error (False when any)."""
    proposed, shown, ok = {}, {}, True
    for name, _label, _max, _text in target.fields:
        value = form[name].data or ""
        opened = form[f"o_{name}"].data or ""
        if opened == plans.digest(value):
            continue
        if not value.strip():
            form[name].errors.append("Proszę wpisać proponowany tekst.")
            ok = False
        proposed[name], shown[name] = value, opened
    return proposed, shown, ok


class AcceptForm(BaseForm):
    na = HiddenField()  # digest of the text the team was shown the suggestion over


class RejectForm(BaseForm):
    reply = TextAreaField(
        "Odpowiedź dla eksperta",
        validators=[
            DataRequired("Proszę napisać, dlaczego propozycja zostaje odrzucona."),
            long(2000),
        ],
    )
