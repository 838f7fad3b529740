"""Messages to the mentor (issue 20.5): one thread per JST between its team and its current
expert, separate from the plan's comments; coordinators read it. Posting notifies the other
side (in-app and by e-mail through the outbox, review.notify); reading marks the thread read."""

from peewee import JOIN, fn

from models import ExpertAssignment, Jst, User, utcnow, write_tx
from models.notify import MentorMessage, MentorRead

from . import review

MAX_LENGTH = 5000


def messages(jst):
    return list(
        MentorMessage.select(MentorMessage, User)
        .join(User, JOIN.LEFT_OUTER, on=MentorMessage.author == User.id)
        .where(MentorMessage.jst == jst.id)
        .order_by(MentorMessage.id)
    )


def post(jst, author, body, url, config):
    """Store the message and notify the other side in one transaction."""
    with write_tx():
        message = MentorMessage.create(jst=jst.id, author=author.id, body=body, created_at=utcnow())
        _mark_read(jst, author, message.id)
        if author.role == "expert":
            recipients = review._team(jst.id)
            text = f"Nowa wiadomość od eksperta dla zespołu JST {jst.name}."
        else:
            recipients = [review._expert(jst.id)]
            text = f"Nowa wiadomość od zespołu JST {jst.name}."
        review.notify(recipients, "message", text, url, config, exclude=author)
    return message


def _mark_read(jst, user, last_id):
    MentorRead.insert(jst=jst.id, user=user.id, last_id=last_id).on_conflict(
        conflict_target=[MentorRead.jst, MentorRead.user],
        update={MentorRead.last_id: last_id},
    ).execute()


def mark_read(jst, user, items):
    """After the thread was shown: everything up to its last message is read."""
    if items:
        with write_tx():
            _mark_read(jst, user, items[-1].id)


def unread_threads(user):
    """For an expert's worklist: [(jst id, JST name, unread messages)] of their current JSTs
    with messages by others after what they read — one query."""
    read = MentorRead.select(MentorRead.last_id).where(
        (MentorRead.jst == Jst.id) & (MentorRead.user == user.id)
    )
    return list(
        ExpertAssignment.select(Jst.id, Jst.name, fn.COUNT(MentorMessage.id))
        .join(Jst)
        .join(MentorMessage, on=MentorMessage.jst == Jst.id)
        .where(
            (ExpertAssignment.expert == user.id)
            & ExpertAssignment.ended_at.is_null()
            & (MentorMessage.author.is_null() | (MentorMessage.author != user.id))
            & (MentorMessage.id > fn.COALESCE(read, 0))
        )
        .group_by(Jst.id, Jst.name, Jst.name_sort)
        .order_by(Jst.name_sort)
        .tuples()
    )


def unread_count(jst_id, user):
    """Messages in the JST's thread by others after what `user` read (a team member's home)."""
    read = MentorRead.select(MentorRead.last_id).where(
        (MentorRead.jst == jst_id) & (MentorRead.user == user.id)
    )
    return (
        MentorMessage.select()
        .where(
            (MentorMessage.jst == jst_id)
            & (MentorMessage.author.is_null() | (MentorMessage.author != user.id))
            & (MentorMessage.id > fn.COALESCE(read, 0))
        )
        .count()
    )
