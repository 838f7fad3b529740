"""Signed copies: the exact file that was signed, and what each JST has not sent back."""

from peewee import JOIN

from lib import crypto
from models import Jst, User, write_tx
from models.documents import SignedCopy

from .. import audit
from .contexts import build_context, fingerprint
from .kinds import DocumentIncomplete
from .rendering import filename, render


def signed_copies(jst=None, participant=None):
    query = SignedCopy.select(
        SignedCopy.id,
        SignedCopy.kind,
        SignedCopy.jst,
        SignedCopy.participant,
        SignedCopy.plan_version,
        SignedCopy.received_on,
        SignedCopy.recorded_at,
        SignedCopy.recorded_by,
        SignedCopy.fingerprint,
        SignedCopy.filename,
        User.id,
        User.full_name,
    ).join(User, JOIN.LEFT_OUTER, on=(SignedCopy.recorded_by == User.id))
    if jst is not None:
        query = query.where(SignedCopy.jst == jst)
    if participant is not None:
        query = query.where(SignedCopy.participant == participant)
    return list(query.order_by(SignedCopy.id.desc()))


def record_signed(kind, obj, received_on, actor, version=None):
    """Store the exact file that was signed (rendered now) and what it printed; refused
    (DocumentIncomplete) while the document prints as a draft: it cannot count as signed."""
    context, missing = build_context(kind, obj, actor, version)
    if missing or context["draft"]:
        raise DocumentIncomplete(
            "dokument jest niekompletny i drukuje się jako „WERSJA ROBOCZA” — najpierw proszę "
            "uzupełnić "
            "dane" + (f" (brakuje: {', '.join(missing)})." if missing else ".")
        )
    data = render(kind, context)
    name = obj.full_name if kind == "oswiadczenie" else obj.name
    with write_tx():
        same = SignedCopy.get_or_none(
            (SignedCopy.kind == kind)
            & (SignedCopy.jst == (obj.id if isinstance(obj, Jst) else None))
            & (SignedCopy.participant == (obj.id if isinstance(obj, User) else None))
            & (SignedCopy.plan_version == version)
            & (SignedCopy.received_on == received_on)
            & (SignedCopy.fingerprint == fingerprint(context))
        )
        if same is not None:  # the same copy recorded again (a double click): kept once
            return same
        copy = SignedCopy.create(
            kind=kind,
            jst=obj if isinstance(obj, Jst) else None,
            participant=obj if isinstance(obj, User) else None,
            plan_version=version,
            received_on=received_on,
            recorded_by=actor,
            fingerprint=fingerprint(context),
            filename=filename(kind, name, version),
            data=crypto.encrypt_bytes(data),  # a declaration prints PESEL and address
        )
        audit.record("signed_copy", actor=actor, details=f"{kind} #{copy.id}")
    return copy


def signed_file(copy):
    """The bytes of a stored signed copy."""
    return crypto.decrypt_bytes(copy.data)
