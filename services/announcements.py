"""Announcements (issue 20.1): a coordinator writes to all participants, all experts, the teams
of one programme group or JST kind, or one JST's team. Saving is one row; the fan-out — a
recipient row per person and an e-mail each in the outbox — is two INSERT … SELECT statements
run by a job-queue task, so the coordinator's request answers at once whatever the audience."""

from peewee import JOIN, Value, fn

from models import JST_KINDS, PROGRAM_GROUPS, Jst, TeamMembership, User, locked, utcnow, write_tx
from models.mail import OutboxMessage
from models.notify import Announcement, AnnouncementRecipient
from models.review import Notification

from . import mail, preferences

MAX_BODY = 10_000
AUDIENCES = {
    "participants": "wszyscy uczestnicy (zespoły wszystkich JST)",
    "experts": "wszyscy eksperci",
    "group": "zespoły JST jednej grupy programu",
    "kind": "zespoły JST jednego rodzaju",
    "jst": "zespół jednej JST",
}


def label(audience, value):
    if audience == "group":
        return f"zespoły JST z grupy {PROGRAM_GROUPS.get(int(value), value)}"
    if audience == "kind":
        return f"zespoły JST: {JST_KINDS[value][0]}"
    if audience == "jst":
        jst = Jst.get_or_none(Jst.id == int(value))
        return f"zespół JST {jst.name}" if jst else "zespół JST"
    return AUDIENCES[audience]


def recipients(audience, value):
    """A query of (user id, e-mail) of who gets the announcement now."""
    if audience == "experts":
        return User.select(User.id, User.email).where((User.role == "expert") & User.active)
    query = (
        TeamMembership.select(User.id, User.email)
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .where(
            TeamMembership.left_at.is_null()
            & User.active
            & (User.role == "participant")
            & (Jst.status == "active")
        )
    )
    if audience == "group":
        query = query.where(Jst.program_group == int(value))
    elif audience == "kind":
        query = query.where(Jst.kind == value)
    elif audience == "jst":
        query = query.where(Jst.id == int(value))
    return query


def count(audience, value):
    return recipients(audience, value).distinct().count()


def create(author, title, body, audience, value, attachment=None):
    """Store the announcement (the fan-out follows: tasks.fan_out_announcement)."""
    name, content_type, data = attachment or ("", "", None)
    with write_tx():
        return Announcement.create(
            author=author.id,
            title=title,
            body=body,
            audience=audience,
            audience_value=value or "",
            audience_label=label(audience, value)[:300],
            attachment_name=name,  # programme.check_attachment's stored name
            attachment_type=content_type,
            attachment_data=data,
        )


def fan_out(announcement_id, config):
    """Recipient rows and e-mails for everyone in the audience — once (a second run, or a
    second worker, finds fanned_out_at set under the row's lock)."""
    with write_tx():
        item = locked(Announcement.select().where(Announcement.id == announcement_id)).first()
        if item is None or item.fanned_out_at is not None:
            return 0
        who = recipients(item.audience, item.audience_value)
        AnnouncementRecipient.insert_from(
            who.select(Value(item.id), User.id).distinct(),
            [AnnouncementRecipient.announcement, AnnouncementRecipient.user],
        ).on_conflict_ignore().execute()
        now = utcnow()
        if mail.enabled(config):
            base = config.get("BASE_URL", "").rstrip("/")
            body = (
                f"Dzień dobry,\n\nkoordynator programu przesyła ogłoszenie:\n\n{item.title}\n\n"
                f"{item.body}\n\nOgłoszenie jest też na stronie startowej: {base}/\n"
            )
            OutboxMessage.queue_from(
                AnnouncementRecipient.select(User.email)
                .join(User)
                .where(
                    (AnnouncementRecipient.announcement == item.id)
                    & ~preferences.not_immediate(User.id)
                ),
                f"Plan JST: {item.title}"[:200],
                body,
                now,
            )
        Notification.insert_for(  # the bell: the same as every event that asks to act
            AnnouncementRecipient.select(AnnouncementRecipient.user).where(
                AnnouncementRecipient.announcement == item.id
            ),
            "announcement",
            f"Ogłoszenie: {item.title}"[:300],
            "/",  # the home page shows it until read
            now,
        )
        Announcement.update(fanned_out_at=now).where(Announcement.id == item.id).execute()
    return (
        AnnouncementRecipient.select().where(AnnouncementRecipient.announcement == item.id).count()
    )


def unread_for(user, limit=20):
    """The announcements on the user's home page (until read), newest first."""
    return list(
        Announcement.select(
            Announcement.id,
            Announcement.title,
            Announcement.body,
            Announcement.attachment_name,
            Announcement.created_at,
        )
        .join(AnnouncementRecipient)
        .where((AnnouncementRecipient.user == user.id) & AnnouncementRecipient.read_at.is_null())
        .order_by(Announcement.id.desc())
        .limit(limit)
    )


def mark_read(user, announcement_id):
    """False when the user is not a recipient."""
    with write_tx():
        row = AnnouncementRecipient.get_or_none(
            (AnnouncementRecipient.announcement == announcement_id)
            & (AnnouncementRecipient.user == user.id)
        )
        if row is None:
            return False
        if row.read_at is None:
            row.read_at = utcnow()
            row.save()
    return True


def is_recipient(user, announcement_id):
    return (
        AnnouncementRecipient.select()
        .where(
            (AnnouncementRecipient.announcement == announcement_id)
            & (AnnouncementRecipient.user == user.id)
        )
        .exists()
    )


def overview():
    """[(announcement, received, read)] for the coordinator — one query."""
    received = fn.COUNT(AnnouncementRecipient.id)
    read = fn.COUNT(AnnouncementRecipient.read_at)
    query = (
        Announcement.select(
            Announcement.id,
            Announcement.title,
            Announcement.audience_label,
            Announcement.created_at,
            Announcement.fanned_out_at,
            received.alias("received"),
            read.alias("read"),
        )
        .join(
            AnnouncementRecipient,
            on=AnnouncementRecipient.announcement == Announcement.id,
            join_type=JOIN.LEFT_OUTER,
        )
        .group_by(
            Announcement.id,
            Announcement.title,
            Announcement.audience_label,
            Announcement.created_at,
            Announcement.fanned_out_at,
        )
        .order_by(Announcement.id.desc())
    )
    return list(query)
