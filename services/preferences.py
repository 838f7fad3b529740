"""Notification preferences (issue 20.3): e-mail at once (the default), a daily digest, or in
the application only. The in-app notification is always created; only the e-mail follows the
preference. The digest of a Polish day goes out once (a ReminderSent row keyed by the day)."""

from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

from peewee import fn

from lib.formatting import TZ
from models import User, prepared, utcnow, write_tx
from models.mail import OutboxMessage
from models.notify import CalendarFeed, MailBounce, NotifyPreference, ReminderSent
from models.review import Notification

MODES = {
    "immediate": "E-mail od razu przy każdym powiadomieniu",
    "digest": "Jeden e-mail dziennie z podsumowaniem",
    "app": "Tylko w serwisie (bez e-maili z powiadomieniami)",
}
PATH = "/konto/powiadomienia"
DIGEST_FROM_HOUR = 6  # the digest of yesterday goes out from 6:00 Polish time


def account_settings(user):
    """(mode, calendar feed generation or None, its token's hash or None): what the account page
    shows of the user's settings, in one prepared query (issue 21: the page is the chrome's
    yardstick)."""
    rows = prepared(
        "account settings",
        lambda: (
            User.select(
                NotifyPreference.select(NotifyPreference.mode)
                .where(NotifyPreference.user == user.id)
                .alias("mode"),
                CalendarFeed.select(CalendarFeed.generation)
                .where(CalendarFeed.user == user.id)
                .alias("generation"),
                CalendarFeed.select(CalendarFeed.token_hash)
                .where(CalendarFeed.user == user.id)
                .alias("token_hash"),
            )
            .where(User.id == user.id)
            .tuples()
        ),
        [user.id, user.id, user.id, user.id],
    )
    mode, generation, token_hash = rows[0] if rows else (None, None, None)
    return mode or "immediate", generation, token_hash


def mode(user):
    """The user's mode — shown on the account page, so a prepared query (issue 21)."""
    rows = prepared(
        "notify mode",
        lambda: (
            NotifyPreference.select(NotifyPreference.mode)
            .where(NotifyPreference.user == user.id)
            .tuples()
        ),
        [user.id],
    )
    return rows[0][0] if rows else "immediate"


def set_mode(user, value):
    if value not in MODES:
        raise ValueError(value)
    with write_tx():
        NotifyPreference.insert(user=user.id, mode=value, updated_at=utcnow()).on_conflict(
            conflict_target=[NotifyPreference.user],
            update={NotifyPreference.mode: value, NotifyPreference.updated_at: utcnow()},
        ).execute()


def not_immediate(user_column):
    """An expression: the user in `user_column` asked for no immediate e-mail."""
    return fn.EXISTS(
        NotifyPreference.select(NotifyPreference.id).where(
            (NotifyPreference.user == user_column) & (NotifyPreference.mode != "immediate")
        )
    )


def immediate(user_ids):
    """Those of `user_ids` who want e-mail at once — one query."""
    ids = set(user_ids)
    if not ids:
        return set()
    held = {
        user_id
        for (user_id,) in NotifyPreference.select(NotifyPreference.user)
        .where(NotifyPreference.user.in_(list(ids)) & (NotifyPreference.mode != "immediate"))
        .tuples()
    }
    return ids - held


def local_midnight(day):
    """The naive UTC moment the Polish `day` begins (what DateTimeFields store)."""
    return datetime.combine(day, time(), TZ).astimezone(UTC).replace(tzinfo=None)


def mark_bounced(email, reason):
    MailBounce.insert(email=email.lower(), reason=reason[:500], at=utcnow()).on_conflict(
        conflict_target=[MailBounce.email],
        update={MailBounce.reason: reason[:500], MailBounce.at: utcnow()},
    ).execute()


def clear_bounce(email):
    """The address took a message after all."""
    MailBounce.delete().where(MailBounce.email == email.lower()).execute()


def bounce(email):
    """The MailBounce of this address, or None."""
    return MailBounce.get_or_none(MailBounce.email == (email or "").lower())


def footer(config):
    """The line every e-mail ends with."""
    base = config.get("BASE_URL", "").rstrip("/")
    return (
        "\n-- \nJak dostawać powiadomienia (od razu, raz dziennie, tylko w serwisie): "
        f"{base}{PATH}\n"
    )


def send_digests(config, now=None):
    """Yesterday's (Polish day) notifications, one e-mail per digest user — once. Returns the
    number of e-mails queued (0 before DIGEST_FROM_HOUR or when SMTP is off)."""
    if not config.get("SMTP_HOST"):
        return 0
    now = now or utcnow()
    local = now.replace(tzinfo=UTC).astimezone(TZ)
    if local.hour < DIGEST_FROM_HOUR:
        return 0
    day = local.date() - timedelta(days=1)
    start, end = local_midnight(day), local_midnight(day + timedelta(days=1))
    rows = (
        Notification.select(User.id, User.email, Notification.text, Notification.url)
        .join(User)
        .join(NotifyPreference, on=NotifyPreference.user == User.id)
        .where(
            (NotifyPreference.mode == "digest")
            & User.active
            & (Notification.created_at >= start)
            & (Notification.created_at < end)
        )
        .order_by(User.id, Notification.id)
        .tuples()
    )
    per_user = {}
    for user_id, email, text, url in rows:
        per_user.setdefault((user_id, email), []).append((text, url))
    if not per_user:
        return 0
    base = config.get("BASE_URL", "").rstrip("/")
    run = uuid4().hex
    with write_tx():
        ReminderSent.insert_many(
            [("digest", day.toordinal(), user_id, run, now) for user_id, _e in sorted(per_user)],
            fields=[
                ReminderSent.kind,
                ReminderSent.object_id,
                ReminderSent.user,
                ReminderSent.run,
                ReminderSent.sent_at,
            ],
        ).on_conflict_ignore().execute()
        mine = {
            user_id
            for (user_id,) in ReminderSent.select(ReminderSent.user_id)
            .where(ReminderSent.run == run)
            .tuples()
        }
        messages = []
        for (user_id, email), items in sorted(per_user.items()):
            if user_id not in mine:
                continue
            lines = "\n".join(f"• {text}\n  {base}{url}" for text, url in items)
            messages.append(
                (
                    email,
                    f"Plan JST: podsumowanie dnia {day.strftime('%d.%m.%Y')} ({len(items)})",
                    f"Dzień dobry,\n\npowiadomienia z {day.strftime('%d.%m.%Y')}:\n\n{lines}\n",
                )
            )
        OutboxMessage.queue_many(messages, now)
    return len(messages)
