"""Money, dates, months and phone numbers typed the way Polish users write them.

Each parser returns the stored value or raises ValueError with a Polish message meant to be
shown next to the field."""

import re
from datetime import date
from decimal import Decimal

import phonenumbers
from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

LOCALE = "pl_PL"
MAX_AMOUNT = Decimal(10**12)  # złoty: more than any plan's budget, far below BigInteger
MONEY_HELP = "W złotych, np. 12 500 albo 1 234,56."
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_DOT_THOUSANDS = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?")
_CURRENCY = re.compile(r"\s*(zł|zl|PLN)\.?\s*$", re.IGNORECASE)


# a comma before exactly three digits, no other grouping: thousands in English, grosze mistyped?
_COMMA_THOUSANDS = re.compile(r"-?[0-9]{1,3},[0-9]{3}")


class AmbiguousNumber(ValueError):
    """A dot that may separate thousands or grosze: the user is asked which."""


def parse_amount(text):
    """“12 500”, “12 500,50”, “1,5”, “12.500” (dots grouping thousands) → Decimal złoty.
    A dot that is not a thousands separator (“12.50”) is refused with a question, not guessed."""
    raw = _CURRENCY.sub("", (text or "").strip())
    if not raw:
        raise ValueError("Proszę podać kwotę.")
    group = get_group_symbol(LOCALE)  # U+00A0: Babel's Polish rules group with it
    compact = _SPACES.sub(group, raw).replace("\u2212", "-")
    if _COMMA_THOUSANDS.fullmatch(compact):  # “12,500”: 12 500 zł, or 12,50 zł mistyped?
        raise AmbiguousNumber(
            f"Nie wiadomo, co oznacza przecinek w „{raw}”. Jeśli chodzi o "
            f"{compact.replace(',', ' ')} zł, proszę oddzielić tysiące spacją (np. 12 500); "
            "grosze mają dwie cyfry po przecinku (np. 12,50)."
        )
    if "." in compact:
        if not _DOT_THOUSANDS.fullmatch(compact):
            guess = compact.replace(group, "").replace(".", ",")
            raise AmbiguousNumber(
                f"Nie wiadomo, co oznacza kropka w „{raw}”. Jeśli chodzi o {guess} zł, "
                "proszę oddzielić grosze przecinkiem; tysiące — spacją (np. 12 500)."
            )
        compact = compact.replace(".", group)
    try:
        amount = parse_decimal(compact, locale=LOCALE, strict=True)
    except NumberFormatError as exc:
        raise ValueError("To nie jest kwota — proszę wpisać np. 12 500 albo 1 234,56.") from exc
    if not amount.is_finite():
        raise ValueError("To nie jest kwota — proszę wpisać np. 12 500 albo 1 234,56.")
    if amount < 0:
        raise ValueError("Kwota nie może być ujemna.")
    if amount > MAX_AMOUNT:
        raise ValueError("To zbyt duża kwota (najwyżej 1 000 000 000 000 zł).")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("Kwota może mieć najwyżej dwa miejsca po przecinku (grosze).")
    return amount


def parse_money(text):
    """As parse_amount, in integer grosze."""
    return int(parse_amount(text) * 100)


_PL_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(\s*r\.?)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_MESSAGE = "Proszę podać datę jako DD.MM.RRRR, np. 05.04.2017 (albo RRRR-MM-DD)."
MONTH_MESSAGE = "Proszę podać miesiąc jako MM.RRRR, np. 09.2017 (albo RRRR-MM)."


def parse_date(text):
    """“05.04.2017”, “5.4.2017 r.” or “2017-04-05” → date; ValueError(DATE_MESSAGE) otherwise."""
    text = (text or "").strip()
    try:
        if match := _PL_DATE.fullmatch(text):
            day, month, year = (int(match.group(i)) for i in (1, 2, 3))
            return date(year, month, day)
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(DATE_MESSAGE)


def date_input(value):
    """A date as shown in a text field: DD.MM.RRRR."""
    return value.strftime("%d.%m.%Y") if value else ""


_PL_MONTH = re.compile(r"([0-9]{1,2})\.([0-9]{4})")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_month(text):
    """“09.2017”, “9.2017” or “2017-09” → “2017-09” (as stored); ValueError otherwise."""
    text = (text or "").strip()
    if match := _PL_MONTH.fullmatch(text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := _ISO_MONTH.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
    else:
        raise ValueError(MONTH_MESSAGE)
    if not 1 <= month <= 12:
        raise ValueError(MONTH_MESSAGE)
    return f"{year:04d}-{month:02d}"


def month_input(stored):
    """A stored “2017-09” as shown in a text field: “09.2017”."""
    match = _ISO_MONTH.fullmatch(stored or "")
    return f"{match.group(2)}.{match.group(1)}" if match else (stored or "")


PHONE_MESSAGE = "Proszę podać numer telefonu, np. 500 100 200, 22 123 45 67 albo +48 500 100 200."


def check_phone(text):
    """Refuse what is not a phone number (Polish numbers may omit +48); letters (an “O” typed
    for a zero) are refused rather than read as a keypad word. The number is kept as typed."""
    text = (text or "").strip()
    if re.search(r"[^\d\s+()./-]", text):
        raise ValueError(
            "Numer telefonu może zawierać tylko cyfry, spacje i znaki + - ( ) — "
            "proszę sprawdzić, czy zamiast zera nie wpisano litery O."
        )
    try:
        number = phonenumbers.parse(text, "PL")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(PHONE_MESSAGE) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(PHONE_MESSAGE)
