"""Outgoing mail: queued in the outbox inside the caller's transaction, sent by a worker. A sent
message keeps its recipient and subject, not its body (which may hold a set-password link)."""

import smtplib
from email.message import EmailMessage

from models import utcnow
from models.mail import OutboxMessage

from . import preferences

MAX_ATTEMPTS = 8


def enabled(config):
    return bool(config.get("SMTP_HOST"))


def queue(config, to, subject, body):
    """Queue a message when SMTP is configured (call inside the write transaction)."""
    if not enabled(config):
        return None
    return OutboxMessage.create(to=to, subject=subject, body=body)


def smtp_sender(config):
    def send(message):
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)

    return send


def send_pending(config, send=None, limit=100):
    """Send what is due; a failure is kept for a retry. Returns (sent, failed)."""
    send = send or smtp_sender(config)
    sent = failed = 0
    due = (
        OutboxMessage.select()
        .where(OutboxMessage.sent_at.is_null() & (OutboxMessage.attempts < MAX_ATTEMPTS))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    for row in due:
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = row.to
        message["Subject"] = row.subject
        message.set_content(row.body + preferences.footer(config))
        try:
            send(message)
        except smtplib.SMTPRecipientsRefused as exc:  # the address itself is refused
            reason = "; ".join(
                f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                for code, text in exc.recipients.values()
            )
            row.attempts += 1  # retried like any failure (the address may be fixed)
            row.last_error = reason[:500]
            row.save()
            if all(code >= 500 for code, _text in exc.recipients.values()):
                preferences.mark_bounced(row.to, reason)  # shown on the user's page
            failed += 1
        except (OSError, smtplib.SMTPException) as exc:
            row.attempts += 1
            row.last_error = str(exc)[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.body = ""  # given up: nothing to keep a link for
            row.save()
            failed += 1
        else:
            row.sent_at = utcnow()
            row.attempts += 1
            # The body may hold a set-password link: once sent, the outbox (and its backups) must
            # not hold a usable one. To, subject and time stay as the record of what was sent.
            row.body = ""
            row.save()
            preferences.clear_bounce(row.to)
            sent += 1
    return sent, failed
