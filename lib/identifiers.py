"""Polish identifiers: validation (python-stdnum where it exists, our own rules for TERYT,
postal code and RSPO) and well-formed fictitious numbers for demo and test data."""

import re
from datetime import date

from stdnum.pl import nip, pesel, regon

VOIVODESHIPS = {
    "02": "dolnośląskie",
    "04": "kujawsko-pomorskie",
    "06": "lubelskie",
    "08": "lubuskie",
    "10": "łódzkie",
    "12": "małopolskie",
    "14": "mazowieckie",
    "16": "opolskie",
    "18": "podkarpackie",
    "20": "podlaskie",
    "22": "pomorskie",
    "24": "śląskie",
    "26": "świętokrzyskie",
    "28": "warmińsko-mazurskie",
    "30": "wielkopolskie",
    "32": "zachodniopomorskie",
}
# JST kind → the TERYT kind digit R a gmina code must end with
TERYT_KIND_DIGIT = {
    "gmina_miejska": "1",
    "miasto_na_prawach_powiatu": "1",
    "gmina_wiejska": "2",
    "gmina_miejsko_wiejska": "3",
}


def teryt_error(code, kind):
    """None when `code` is a valid TERYT for a JST of `kind`, else the Polish reason."""
    code = (code or "").strip()
    # [0-9], not \d: \d and int() take full-width and other Unicode digits as well
    if kind == "wojewodztwo":
        if not re.fullmatch(r"[0-9]{2}", code):
            return "TERYT województwa ma 2 cyfry 0–9 (WW)."
        if code not in VOIVODESHIPS:
            return "Kod województwa w TERYT jest parzysty, od 02 do 32."
        return None
    if kind == "powiat":
        if not re.fullmatch(r"[0-9]{4}", code):
            return "TERYT powiatu ma 4 cyfry 0–9 (WWPP)."
    elif not re.fullmatch(r"[0-9]{7}", code):
        return "TERYT gminy lub miasta ma 7 cyfr 0–9 (WWPPGGR)."
    if code[:2] not in VOIVODESHIPS:
        return "Pierwsze dwie cyfry TERYT to kod województwa (parzysty, od 02 do 32)."
    pp = int(code[2:4])
    if kind == "miasto_na_prawach_powiatu" and not 61 <= pp <= 99:
        return "Miasto na prawach powiatu ma w TERYT numer powiatu od 61 do 99."
    if kind != "miasto_na_prawach_powiatu" and not 1 <= pp <= 60:
        return "Numer powiatu w TERYT musi być od 01 do 60."
    if kind != "powiat":
        if code[4:6] == "00":
            return "Numer gminy w TERYT nie może być 00."
        if code[6] != TERYT_KIND_DIGIT[kind]:
            return (
                f"Ostatnia cyfra TERYT oznacza rodzaj gminy: dla tego rodzaju JST "
                f"powinna być {TERYT_KIND_DIGIT[kind]}."
            )
    return None


def postal_code_ok(value):
    # [0-9], not \d: \d also matches other scripts' digits (full-width, Arabic-Indic …)
    return bool(re.fullmatch(r"[0-9]{2}-[0-9]{3}", value or ""))


def rspo_ok(value):
    return bool(re.fullmatch(r"[0-9]{1,10}", value or ""))


_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]")


def _ascii_digits(value):
    """`value` without spaces and dashes, or None when anything but ASCII digits remains:
    stdnum alone also accepts (and keeps) full-width and other Unicode digits."""
    digits = _SEPARATORS.sub("", value or "")
    return digits if re.fullmatch(r"[0-9]+", digits) else None


def nip_compact(value):
    """The NIP typed in `value` as stdnum compacts it (10 ASCII digits), or None if invalid."""
    digits = _ascii_digits(value)
    return nip.compact(digits) if digits and nip.is_valid(digits) else None


def regon_compact(value):
    """The REGON typed in `value` (9 or 14 ASCII digits), or None if invalid."""
    digits = _ascii_digits(value)
    return regon.compact(digits) if digits and regon.is_valid(digits) else None


def pesel_compact(value):
    """The PESEL typed in `value` (11 ASCII digits), or None if invalid: stored and hashed in
    this one form, so the same number typed in other digits cannot pass as another."""
    digits = _ascii_digits(value)
    return pesel.compact(digits) if digits and pesel.is_valid(digits) else None


def pesel_ok(value):
    return pesel_compact(value) is not None


# ---- fictitious numbers (demo and tests) ----


def _check(digits, weights, modulo=11):
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % modulo


def make_nip(n):
    """A checksum-valid NIP derived from n (skips prefixes whose check digit would be 10)."""
    while True:
        base = f"{999_000_000 + n:09d}"
        check = _check(base, (6, 5, 7, 2, 3, 4, 5, 6, 7))
        if check < 10:
            return base + str(check)
        n += 1


def make_regon(n):
    base = f"{99_900_000 + n:08d}"
    return base + regon.calc_check_digit(base)


def make_pesel(birth: date, male: bool, serial: int = 1):
    year, month = birth.year, birth.month
    month += {1800: 80, 1900: 0, 2000: 20, 2100: 40, 2200: 60}[year // 100 * 100]
    series = f"{serial % 1000:03d}"
    sex_digit = (serial % 5) * 2 + (1 if male else 0)
    base = f"{year % 100:02d}{month:02d}{birth.day:02d}{series}{sex_digit}"
    return base + pesel.calc_check_digit(base)
