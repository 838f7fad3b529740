from flask import current_app
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from .base import BaseForm, short


class LoginForm(BaseForm):
    email = EmailField(
        "Adres e-mail", validators=[DataRequired("Proszę podać adres e-mail."), short(254)]
    )
    password = PasswordField("Hasło", validators=[DataRequired("Proszę podać hasło."), short(200)])


def _min_length(form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(f"Hasło musi mieć co najmniej {minimum} znaków.")


class SetPasswordForm(BaseForm):
    password = PasswordField(
        "Nowe hasło", validators=[DataRequired("Proszę podać nowe hasło."), _min_length, short(200)]
    )
    confirm = PasswordField(
        "Powtórz nowe hasło",
        validators=[DataRequired("Powtórz hasło."), EqualTo("password", "Hasła się różnią.")],
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField("Obecne hasło", validators=[DataRequired("Proszę podać obecne hasło.")])

    field_order = ("current", "password", "confirm")


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        "Adres e-mail", validators=[DataRequired("Proszę podać adres e-mail."), short(254)]
    )


class EmptyForm(BaseForm):
    """For POST-only buttons (logout, deactivate …): CSRF and nothing else."""
