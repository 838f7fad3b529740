"""Accounts: passwords, one-time set-password links, login throttling, sessions ending."""

import hashlib
import secrets
from datetime import timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from lib import memos, metrics
from models import (
    LoginAttempt,
    PasswordLinkRequest,
    PasswordToken,
    User,
    UserSession,
    utcnow,
    write_tx,
)

from . import audit

# A hash to compare against when the email is unknown, so both cases cost the same time: one per
# hashing method, computed once per process (see dummy_hash).
_DUMMY_HASH = memos.memo("accounts.dummy_hash", by_content=True)


class LoginRefused(Exception):
    """Login not possible; the message is what the user sees."""


BAD_CREDENTIALS = "Nieprawidłowy adres e-mail lub hasło."
THROTTLED = (
    "Zbyt wiele nieudanych prób logowania. Proszę spróbować ponownie za kilkanaście minut "
    "albo skontaktować się z koordynatorem."
)


def normalize_email(email):
    return (email or "").strip().lower()


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def set_password(user, password, method):
    user.password_hash = generate_password_hash(password, method=method)
    user.password_changed_at = utcnow()


def create_user(email, full_name, role, method, password=None):
    user = User(email=normalize_email(email), full_name=full_name.strip(), role=role)
    if password:
        set_password(user, password, method)
    user.save()
    return user


def find_by_email(email):
    return User.get_or_none(User.email == normalize_email(email))


def _recent_failures(config):
    return LoginAttempt.at > utcnow() - config["LOGIN_WINDOW"]


def is_throttled(email, address, config):
    since = _recent_failures(config)
    per_account = (
        LoginAttempt.select()
        .where(since & (LoginAttempt.email == email) & (LoginAttempt.address == address))
        .count()
    )
    if per_account >= config["LOGIN_MAX_FAILS_ACCOUNT"]:
        return True
    per_address = LoginAttempt.select().where(since & (LoginAttempt.address == address)).count()
    return per_address >= config["LOGIN_MAX_FAILS_ADDRESS"]


def authenticate(email, password, address, config):
    """Return the user, or raise LoginRefused with the Polish message to show. The refusal is
    raised after the transaction commits, so the failed attempt and its audit entry are kept."""
    email = normalize_email(email)
    refusal = None
    with write_tx():
        user = User.get_or_none(User.email == email)
        if is_throttled(email, address, config):
            audit.record(
                "login_throttled", subject=f"email-hash:{sha256(email)[:12]}", address=address
            )
            refusal = THROTTLED
        elif not _password_ok(user, password, config["PASSWORD_HASH_METHOD"]):
            LoginAttempt.create(email=email, address=address)
            audit.record(
                "login_failed",
                actor=user,
                address=address,
                subject=f"user:{user.id}" if user else "",
            )
            refusal = BAD_CREDENTIALS
        else:
            LoginAttempt.delete().where(LoginAttempt.email == email).execute()
            audit.record("login", actor=user, subject=f"user:{user.id}", address=address)
    if refusal:
        metrics.FAILED_LOGINS.inc()
        raise LoginRefused(refusal)
    return user


def dummy_hash(method):
    """The hash an unknown e-mail's password is checked against. Computed once, not per login:
    computing it costs as much as the check, and an unknown e-mail would take twice as long.
    The auth blueprint computes it when the app starts, so even the first login costs the same."""
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("x", method=method)
    return _DUMMY_HASH[method]


def _password_ok(user, password, method):
    if user is None or not user.password_hash:
        # compare against a dummy hash, so an unknown e-mail costs the same time
        check_password_hash(dummy_hash(method), password)
        return False
    return check_password_hash(user.password_hash, password) and user.active


def prune_login_attempts(config):
    LoginAttempt.delete().where(LoginAttempt.at < utcnow() - config["LOGIN_WINDOW"]).execute()


def request_password_link(email, address, config):
    """A forgot-password request: the user to send a set-password link to, or None — no such
    active account, or throttled: PASSWORD_LINK_MAX_ACCOUNT links sent to one account or
    PASSWORD_LINK_MAX_ADDRESS requests from one address per PASSWORD_LINK_WINDOW (a flood neither
    fills a mailbox nor probes addresses). The form answers the same in every case. A throttled
    account keeps the last link it was sent (a new link would end it)."""
    email = normalize_email(email)
    email_hash = sha256(email)
    now = utcnow()
    with write_tx():
        PasswordLinkRequest.delete().where(
            PasswordLinkRequest.at < now - config["PASSWORD_LINK_WINDOW"]
        ).execute()
        sent_to_account = (
            PasswordLinkRequest.select()
            .where((PasswordLinkRequest.email_hash == email_hash) & PasswordLinkRequest.sent)
            .count()
        )
        from_address = (
            PasswordLinkRequest.select().where(PasswordLinkRequest.address == address).count()
        )
        request = PasswordLinkRequest.create(email_hash=email_hash, address=address)
        if (
            sent_to_account >= config["PASSWORD_LINK_MAX_ACCOUNT"]
            or from_address >= config["PASSWORD_LINK_MAX_ADDRESS"]
        ):
            audit.record(
                "password_link_throttled", subject=f"email-hash:{email_hash[:12]}", address=address
            )
            return None
        user = User.get_or_none(User.email == email)
        if user is None or not user.active:
            return None
        request.sent = True
        request.save()
    return user


def issue_password_link(user, actor, address, config):
    """Create a one-time token valid SET_PASSWORD_LINK_HOURS; returns the raw token."""
    token = secrets.token_urlsafe(32)
    with write_tx():
        PasswordToken.update(used_at=utcnow()).where(
            (PasswordToken.user == user) & PasswordToken.used_at.is_null()
        ).execute()
        PasswordToken.create(
            user=user,
            token_hash=sha256(token),
            expires_at=utcnow() + timedelta(hours=config["SET_PASSWORD_LINK_HOURS"]),
        )
        audit.record("password_link", actor=actor, subject=f"user:{user.id}", address=address)
    return token


def token_user(token):
    """The user a valid, unused, unexpired token belongs to, or None."""
    row = (
        PasswordToken.select(PasswordToken, User)
        .join(User)
        .where(PasswordToken.token_hash == sha256(token or ""))
        .first()
    )
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row.user


def use_token(token, password, address, config):
    with write_tx():
        user = token_user(token)
        if user is None:
            return None
        PasswordToken.update(used_at=utcnow()).where(
            PasswordToken.token_hash == sha256(token)
        ).execute()
        set_password(user, password, config["PASSWORD_HASH_METHOD"])
        user.save()
        end_sessions(user)
        audit.record("password_set", actor=user, subject=f"user:{user.id}", address=address)
    return user


def end_sessions(user, keep_id_hash=None):
    query = UserSession.delete().where(UserSession.user == user.id)
    if keep_id_hash:
        query = query.where(UserSession.id_hash != keep_id_hash)
    return query.execute()
