"""Certificates of completion: the rule, who meets it, issuing, the verification page."""

import secrets
from datetime import date

from peewee import JOIN, IntegrityError, fn

from models import Jst, TeamMembership, User, utcnow, write_tx
from models.plans import STATUS_LABELS, Plan
from models.surveys import (
    Certificate,
    VerifyAttempt,
)

from .. import audit, programme, settings
from ..documents import filename
from ..formatting import today_local
from .base import VERIFY_MAX_FAILS, VERIFY_WINDOW, Locked, Throttled


def rule():
    values = settings.get_all()
    return int(values["certificate_min_attendance"]), values["certificate_plan_status"]


def _plan_ok(status, required):
    if required == "accepted":
        return status == "accepted"
    if required == "submitted":
        return status in ("submitted", "returned", "accepted")
    return True


def candidates():
    """[{user, jst, rate, plan_status, attendance_ok, plan_ok, certificate}] of the current teams,
    with which condition of the completion rule each one meets."""
    min_rate, required = rule()
    rates = programme.attendance_rates(today=date.max, exact=True)  # every module's days
    certificates = {c.user_id: c for c in Certificate.select()}
    query = (
        TeamMembership.select(TeamMembership, User, Jst, Plan.status)
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .join(Plan, JOIN.LEFT_OUTER, on=(Plan.jst == Jst.id), attr="plan")
        .where(TeamMembership.left_at.is_null() & (Jst.status == "active") & User.active)
        .order_by(Jst.name_sort, User.full_name)
    )
    out = []
    for member in query:
        status = getattr(member.jst.plan, "status", None) or "draft"
        rate = rates.get(member.user_id, 0)
        out.append(
            {
                "user": member.user,
                "jst": member.jst,
                "rate": round(rate),
                "plan_status": STATUS_LABELS[status],
                "attendance_ok": rate >= min_rate,
                "plan_ok": _plan_ok(status, required),
                "certificate": certificates.get(member.user_id),
            }
        )
    return out


def issue_certificates(actor, today=None):
    """A certificate (unique number, random verification code) for everyone who qualifies and
    has none yet; returns how many were issued."""
    today = today or today_local()  # surveys open and close by the Polish calendar
    programme_name = settings.get("programme_name")
    prefix = f"ZAS/{today.year}/"
    issued = 0
    try:
        with write_tx():
            for person in candidates():
                if person["certificate"] or not (person["attendance_ok"] and person["plan_ok"]):
                    continue
                last = (
                    Certificate.select(fn.MAX(Certificate.number))
                    .where(Certificate.number.startswith(prefix))
                    .scalar()
                )
                sequence = int(last.rsplit("/", 1)[1]) + 1 if last else 1
                Certificate.create(
                    user=person["user"],
                    number=f"{prefix}{sequence:04d}",
                    code=secrets.token_urlsafe(24),
                    full_name=person["user"].full_name,
                    programme=programme_name,
                    issued_on=today,
                )
                issued += 1
            if issued:
                audit.record("certificates_issued", actor=actor, details=str(issued))
    except IntegrityError as exc:  # issued at the same moment by someone else (a double click)
        raise Locked(
            "Zaświadczenia są właśnie wystawiane — odśwież stronę i sprawdź listę."
        ) from exc
    return issued


def certificate_filename(certificate):
    return filename(
        "zaswiadczenie", f"{certificate.number.replace('/', '-')} {certificate.full_name}"
    )


def issued():
    return list(Certificate.select().order_by(Certificate.number))


def verify(code, address):
    """The certificate with this code, or None; Throttled after too many wrong codes."""
    since = VerifyAttempt.at > utcnow() - VERIFY_WINDOW
    if (
        VerifyAttempt.select().where(since & (VerifyAttempt.address == address)).count()
        >= VERIFY_MAX_FAILS
    ):
        raise Throttled()
    found = Certificate.get_or_none(Certificate.code == code) if len(code) <= 64 else None
    if found is None:
        with write_tx():
            VerifyAttempt.delete().where(VerifyAttempt.at < utcnow() - VERIFY_WINDOW).execute()
            VerifyAttempt.create(address=address)
    return found
