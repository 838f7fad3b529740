"""Certificates of completion: the rule, who meets it, issuing, the verification page."""

import secrets
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, SQL, Case, IntegrityError, Value, fn

from lib.formatting import today_local
from lib.text import fold
from models import Jst, TeamMembership, User, utcnow, write_tx
from models.plans import STATUS_LABELS, Plan
from models.programme import Attendance, Module
from models.surveys import (
    Certificate,
    VerifyAttempt,
)

from .. import audit, jobs, kept, programme, settings
from ..board import attendance_days
from ..documents import batches, certificate_context, filename
from ..documents.batch_jobs import streamed
from ..lists import pages_for
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


@dataclass
class Overview:
    """The certificates page: the totals, one page of the people who do not meet the rule yet
    (dicts as candidates() gives them, without the certificate) and one page of the certificates
    issued, each searched by `q`."""

    people: int
    qualifying: int
    issued: int
    waiting: list
    waiting_total: int
    waiting_page: int
    waiting_pages: int
    certificates: list
    certificates_total: int
    certificates_page: int
    certificates_pages: int


def _members():
    """The current members of active JSTs (active accounts) with, per member, the days attended
    and the days they could attend (every module's, from the day they joined, as
    programme.attendance_rates(today=date.max) counts them) and the plan status."""
    modules = list(Module.select())
    present = fn.COALESCE(
        Attendance.select(fn.COUNT(Attendance.id)).where(Attendance.user == TeamMembership.user),
        0,
    )
    days = attendance_days(modules, TeamMembership.joined_at)
    status = fn.COALESCE(Plan.status, "draft")
    query = (
        TeamMembership.select()
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .join(Plan, JOIN.LEFT_OUTER, on=(Plan.jst == Jst.id))
        .where(TeamMembership.left_at.is_null() & (Jst.status == "active") & User.active)
    )
    return query, present, days, status


def _meets(present, days, status, min_rate, required):
    """SQL: the member meets the rule. The share compares exactly, without division: days
    present × 100 ≥ threshold × days expected (the share is capped at 100 %, the threshold
    is at most 100)."""
    attendance = Value(True) == Value(True)
    if min_rate > 0:
        attendance = (days > 0) & (present * 100 >= days * min_rate)
    if required == "accepted":
        return attendance & (status == "accepted")
    if required == "submitted":
        return attendance & status.in_(["submitted", "returned", "accepted"])
    return attendance


def _paged(query, page, per_page):
    """(rows, total, page shown, pages) with the total as a window count; a page past the end
    shows the first page (one more query)."""
    rows = list(query.paginate(page, per_page))
    if not rows and page > 1:
        page = 1
        rows = list(query.paginate(page, per_page))
    total = rows[0]["total"] if rows else 0
    return rows, total, page, pages_for(total, per_page)


@kept.keeps("certificate_overview")
def overview(q="", page=1, issued_page=1, per_page=50):
    """The certificates page (Overview) from a fixed number of queries whatever the number of
    people: who meets the rule is decided in the database, and only the rows shown are read.
    The search: a JST's or a person's name, ignoring case and diacritics (as /jst)."""
    min_rate, required = rule()
    members, present, days, status = _members()
    meets = _meets(present, days, status, min_rate, required)
    people, qualifying, issued_count = (
        members.select(
            fn.COUNT(TeamMembership.id),
            fn.COALESCE(fn.SUM(Case(None, [(meets, 1)], 0)), 0),
            Certificate.select(fn.COUNT(Certificate.id)),
        )
        .tuples()
        .get()
    )
    waiting = members.select(
        User.full_name,
        Jst.name.alias("jst_name"),
        present.alias("present"),
        days.alias("days"),
        status.alias("status"),
        fn.COUNT(SQL("*")).over().alias("total"),
    ).where(~meets)
    certificates = Certificate.select(
        Certificate, fn.COUNT(SQL("*")).over().alias("total")
    ).order_by(Certificate.number)
    if q:
        key = fold(q)
        waiting = waiting.where(User.name_key.contains(key) | Jst.name_key.contains(key))
        named = User.select(User.id).where(User.name_key.contains(key))
        certificates = certificates.where(
            Certificate.user.in_(named) | Certificate.full_name.contains(q)
        )
    rows, total, page, pages = _paged(
        waiting.order_by(Jst.name_sort, User.full_name, TeamMembership.id).dicts(),
        page,
        per_page,
    )
    shown = []
    for row in rows:
        rate = min(100 * row["present"] / row["days"], 100) if row["days"] else 0
        shown.append(
            {
                "full_name": row["full_name"],
                "jst_name": row["jst_name"],
                "rate": round(rate),
                "plan_status": STATUS_LABELS.get(row["status"], row["status"]),
                "attendance_ok": rate >= min_rate,
                "plan_ok": _plan_ok(row["status"], required),
            }
        )
    issued_rows = list(certificates.paginate(issued_page, per_page).objects())
    if not issued_rows and issued_page > 1:
        issued_page = 1
        issued_rows = list(certificates.paginate(issued_page, per_page).objects())
    issued_total = issued_rows[0].total if issued_rows else 0
    return Overview(
        people=people,
        qualifying=int(qualifying),
        issued=issued_count,
        waiting=shown,
        waiting_total=total,
        waiting_page=page,
        waiting_pages=pages,
        certificates=issued_rows,
        certificates_total=issued_total,
        certificates_page=issued_page,
        certificates_pages=pages_for(issued_total, per_page),
    )


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
            "Zaświadczenia są właśnie wystawiane — proszę odświeżyć stronę i sprawdzić listę."
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


CODE = "__KOD__"  # in the certificates' verification address, replaced by each one's code


def build_certificates(ctx):
    certificates = issued()
    if not certificates:
        raise jobs.JobRefused("Nie wystawiono jeszcze żadnego zaświadczenia.")
    verify = ctx.params["verify"]
    items = (
        (
            certificate_filename(c),
            certificate_context(c, verify.replace(CODE, c.code)),
            [],
        )
        for c in certificates
    )
    ctx.progress(0, len(certificates))
    built = batches.build_zip(
        "zaswiadczenie", items, progress=ctx.progress, total=len(certificates)
    )
    yield from streamed(built)


jobs.register(
    "certificates.zip",
    jobs.JobKind(
        label=lambda p: "ZIP: wszystkie zaświadczenia o ukończeniu szkolenia",
        build=build_certificates,
        filename=lambda p: "zaswiadczenia.zip",
        mimetype="application/zip",
    ),
)
