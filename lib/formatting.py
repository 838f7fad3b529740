"""Dates and money the Polish way (Babel, pl_PL: non-breaking spaces U+00A0)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal

from . import memos

TZ = ZoneInfo("Europe/Warsaw")


@memos.cached("formatting.dates", 4096)
def _format_date(value, pattern, locale):
    """Babel's format_date, kept per (date, pattern): a list page formats the same few hundred
    dates again and again, at ~70 µs each."""
    return _babel_format_date(value, pattern, locale=locale)


def local(dt):
    """Naive UTC (as stored) → aware Europe/Warsaw."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC).astimezone(TZ)


def date_pl(value, document=False):
    """“5 kwietnia 2017” on pages, “5 kwietnia 2017 r.” in documents."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    text = _format_date(value, "d MMMM y", locale="pl_PL")
    return f"{text} r." if document else text


def date_range_pl(start, end):
    """“5–7 kwietnia 2017 r.”, “30 marca – 1 kwietnia 2017 r.”, across years both in full."""
    if start == end:
        return date_pl(start, document=True)
    if start.year != end.year:
        return f"{date_pl(start, document=True)} – {date_pl(end, document=True)}"
    if start.month != end.month:
        first = _format_date(start, "d MMMM", locale="pl_PL")
        return f"{first} – {date_pl(end, document=True)}"
    return f"{start.day}–{date_pl(end, document=True)}"


def month_pl(value):
    """“2017-09” → “wrzesień 2017”; anything else as it is."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return _format_date(date(year, month, 1), "LLLL y", locale="pl_PL")
    except ValueError:
        return value or ""


def datetime_pl(value):
    if value is None:
        return ""
    dt = local(value)
    return f"{date_pl(dt.date())}, {dt:%H:%M}"


def money_pl(grosze):
    """Integer grosze → “1 234,56 zł”."""
    if grosze is None:
        return ""
    amount = Decimal(grosze) / 100
    return format_decimal(amount, format="#,##0.00", locale="pl_PL") + "\u00a0zł"


def today_local():
    return datetime.now(TZ).date()


__all__ = [
    "date",
    "date_pl",
    "date_range_pl",
    "datetime_pl",
    "local",
    "money_pl",
    "month_pl",
    "today_local",
]
