"""Rules a JST's profile must satisfy (DOMAIN.md: kinds, heads of office, who signs)."""

import re

from lib.identifiers import nip_compact, postal_code_ok, regon_compact, teryt_error
from lib.text import fold
from models import JST_KINDS, PROGRAM_GROUPS

# kind → head-of-office titles allowed for it
HEAD_TITLES_BY_KIND = {
    "gmina_wiejska": ("wójt",),
    "gmina_miejska": ("burmistrz", "prezydent miasta"),
    "gmina_miejsko_wiejska": ("burmistrz",),
    "powiat": ("starosta",),
    "miasto_na_prawach_powiatu": ("prezydent miasta",),
    "wojewodztwo": ("marszałek województwa",),
}

# kinds whose zarząd declares the JST's will by two of its members (ustawa o samorządzie
# powiatowym art. 48, o samorządzie województwa art. 57) → the genitive the message names
TWO_SIGNING = {"powiat": "powiatu", "wojewodztwo": "województwa"}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def default_group(kind):
    """The programme group of a JST of `kind`; None for a city with powiat rights, whose group
    the coordinator chooses."""
    return JST_KINDS[kind][1]


def group_error(kind, group):
    """None when programme group `group` (1–4) fits `kind` (DOMAIN.md), else the Polish reason."""
    expected = default_group(kind)
    if expected is None or group == expected:
        return None
    label = JST_KINDS[kind][0]
    return f"{label.capitalize()} należy do grupy programowej {PROGRAM_GROUPS[expected]}."


def identity_errors(kind, teryt, nip, regon):
    """Coordinator-owned identifiers, as typed (NIP and REGON may have spaces and dashes; see
    compact_identity). Returns {field: Polish message}."""
    errors = {}
    message = teryt_error(teryt, kind)
    if message:
        errors["teryt"] = message
    if nip and nip_compact(nip) is None:
        errors["nip"] = "Nieprawidłowy NIP (10 cyfr 0–9 z poprawną cyfrą kontrolną)."
    if regon and regon_compact(regon) is None:
        errors["regon"] = "Nieprawidłowy REGON (9 lub 14 cyfr 0–9 z poprawną cyfrą kontrolną)."
    return errors


def compact_identity(nip, regon):
    """NIP and REGON as stored: digits only, "" when empty. Only for values that passed
    identity_errors."""
    return (nip_compact(nip) if nip else "", regon_compact(regon) if regon else "")


def profile_errors(kind, data):
    """Address, head of office, signatories, countersignature, contact. `data` maps Jst field
    names to submitted strings; returns {field: Polish message} for what breaks the rules."""
    get = lambda name: (data.get(name) or "").strip()  # noqa: E731
    errors = {}
    if get("postal_code") and not postal_code_ok(get("postal_code")):
        errors["postal_code"] = "Kod pocztowy ma postać NN-NNN, np. 00-950."
    titles = HEAD_TITLES_BY_KIND[kind]
    if get("head_title") and get("head_title") not in titles:
        errors["head_title"] = (
            "Dla tego rodzaju JST organem wykonawczym jest: " + " albo ".join(titles) + "."
        )
    for n in ("1", "2"):
        name, function = get(f"signatory{n}_name"), get(f"signatory{n}_function")
        if name and not function:
            errors[f"signatory{n}_function"] = "Proszę podać funkcję osoby podpisującej."
        if function and not name:
            errors[f"signatory{n}_name"] = "Proszę podać imię i nazwisko osoby podpisującej."
    if (get("signatory2_name") or get("signatory2_function")) and not get("signatory1_name"):
        errors.setdefault(
            "signatory1_name",
            "Podano drugą osobę podpisującą — proszę najpierw podać pierwszą (imię i nazwisko).",
        )
    if get("signatory2_name") and _same_person(get("signatory1_name"), get("signatory2_name")):
        errors.setdefault(
            "signatory2_name",
            "Druga osoba podpisująca musi być inną osobą niż pierwsza.",
        )
    if kind in TWO_SIGNING and get("signatory1_name") and not get("signatory2_name"):
        errors.setdefault(
            "signatory2_name",
            f"W imieniu {TWO_SIGNING[kind]} podpisują dwaj członkowie zarządu (albo członek "
            "zarządu i osoba upoważniona przez zarząd) — proszę podać drugą osobę.",
        )
    if get("countersignatory_name") and not get("countersignatory_function"):
        errors["countersignatory_function"] = (
            "Proszę podać funkcję osoby kontrasygnującej (np. skarbnik)."
        )
    if get("countersignatory_function") and not get("countersignatory_name"):
        errors["countersignatory_name"] = "Proszę podać imię i nazwisko osoby kontrasygnującej."
    if get("contact_email") and not _EMAIL.fullmatch(get("contact_email")):
        errors["contact_email"] = "To nie jest poprawny adres e-mail."
    return errors


def _same_person(a, b):
    """Whether `a` and `b` name one person: "Jan Kowalski" and "jan  KOWALSKI" do (case, spacing
    and diacritics ignored)."""
    return " ".join(fold(a).split()) == " ".join(fold(b).split())


def missing_for_documents(jst):
    """What the agreement needs and the profile lacks: [(field, Polish label)]."""
    required = [
        ("street", "adres (ulica i numer)"),
        ("postal_code", "kod pocztowy"),
        ("city", "miejscowość"),
        ("head_title", "organ wykonawczy"),
        ("head_name", "imię i nazwisko organu wykonawczego"),
        ("signatory1_name", "osoba podpisująca"),
        ("signatory1_function", "funkcja osoby podpisującej"),
        ("contact_name", "osoba do kontaktu"),
        ("nip", "NIP"),
        ("regon", "REGON"),
        ("teryt", "TERYT"),
    ]
    if jst.kind in TWO_SIGNING:
        required += [
            ("signatory2_name", "druga osoba podpisująca (członek zarządu)"),
            ("signatory2_function", "funkcja drugiej osoby podpisującej"),
        ]
    return [(f, label) for f, label in required if not getattr(jst, f)]
