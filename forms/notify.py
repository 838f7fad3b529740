"""Forms of reaching people (issue 20): a message to the mentor."""

from wtforms import TextAreaField
from wtforms.validators import DataRequired

from services.mentor import MAX_LENGTH

from .base import BaseForm, long


class MessageForm(BaseForm):
    body = TextAreaField(
        "Wiadomość", validators=[DataRequired("Wpisz treść wiadomości."), long(MAX_LENGTH)]
    )
