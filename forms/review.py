"""Forms of the expert review: a comment or reply, the expert visit."""

from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from services.review import VISIT_FORMS

from .base import DATE_MESSAGE, BaseForm, PlDateField, long


class CommentForm(BaseForm):
    step = HiddenField()
    row_kind = HiddenField()
    row_uid = HiddenField()
    body = TextAreaField("Treść", validators=[DataRequired("Proszę wpisać treść."), long(5000)])


class VisitForm(BaseForm):
    visit_date = PlDateField("Data wizyty", validators=[InputRequired(DATE_MESSAGE)])
    form = SelectField("Forma", choices=VISIT_FORMS)
    attendees = TextAreaField("Uczestnicy", validators=[long(2000)])
    topics = TextAreaField("Tematy", validators=[long()])
    conclusions = TextAreaField("Wnioski", validators=[long()])
