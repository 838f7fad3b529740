"""Forms of the plan library (issue 30): a JST's choice, copying an action into one's plan."""

from wtforms import BooleanField, HiddenField

from .base import BaseForm


class ChoiceForm(BaseForm):
    in_library = BooleanField("Plan JST jest widoczny w bibliotece planów")
    publish = BooleanField(
        "Zgoda na opublikowanie planu na publicznej stronie najlepszych planów (konferencja), "
        "jeśli koordynator wyróżni go jako jeden z najlepszych"
    )


class UseForm(BaseForm):
    """ "Dodaj do mojego planu": the uid the new row gets (fresh on every page: a double click
    saves once)."""

    uid = HiddenField()
