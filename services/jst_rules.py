"""Rules a JST's profile must satisfy (DOMAIN.md: kinds, heads of office, who signs)."""

import re

from .identifiers import nip_ok, postal_code_ok, regon_ok, teryt_error

# kind → head-of-office titles allowed for it
HEAD_TITLES_BY_KIND = {
    "gmina_wiejska": ("wójt",),
    "gmina_miejska": ("burmistrz", "prezydent miasta"),
    "gmina_miejsko_wiejska": ("burmistrz",),
    "powiat": ("starosta",),
    "miasto_na_prawach_powiatu": ("prezydent miasta",),
}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def identity_errors(kind, teryt, nip, regon):
    """Coordinator-owned identifiers. Returns {field: Polish message}."""
    errors = {}
    message = teryt_error(teryt, kind)
    if message:
        errors["teryt"] = message
    if nip and not nip_ok(nip):
        errors["nip"] = "Nieprawidłowy NIP (10 cyfr z poprawną cyfrą kontrolną)."
    if regon and not regon_ok(regon):
        errors["regon"] = "Nieprawidłowy REGON (9 lub 14 cyfr z poprawną cyfrą kontrolną)."
    return errors


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
            errors[f"signatory{n}_function"] = "Podaj funkcję osoby podpisującej."
        if function and not name:
            errors[f"signatory{n}_name"] = "Podaj imię i nazwisko osoby podpisującej."
    if kind == "powiat" and get("signatory1_name") and not get("signatory2_name"):
        errors.setdefault(
            "signatory2_name",
            "W imieniu powiatu podpisują dwaj członkowie zarządu (albo członek zarządu "
            "i osoba upoważniona przez zarząd) — podaj drugą osobę.",
        )
    if get("countersignatory_name") and not get("countersignatory_function"):
        errors["countersignatory_function"] = "Podaj funkcję osoby kontrasygnującej (np. skarbnik)."
    if get("contact_email") and not _EMAIL.fullmatch(get("contact_email")):
        errors["contact_email"] = "To nie jest poprawny adres e-mail."
    return errors


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
    if jst.kind == "powiat":
        required += [
            ("signatory2_name", "druga osoba podpisująca (członek zarządu)"),
            ("signatory2_function", "funkcja drugiej osoby podpisującej"),
        ]
    return [(f, label) for f, label in required if not getattr(jst, f)]
