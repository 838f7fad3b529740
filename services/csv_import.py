"""CSV import of JSTs and of team members: decode as Polish Excel saves it, check every row,
then import all rows in one transaction or nothing."""

import csv
import io
import re

from peewee import fn

from lib import crypto, exports
from lib.plural import count_pl
from lib.text import clean, fold
from models import JST_KINDS, PROGRAM_GROUPS, TEAM_MAX, Jst, TeamMembership, User, write_tx
from models.jst import PHONE_MAX_LENGTH

from . import accounts, audit, jst_rules, jsts

MAX_BYTES = 256 * 1024
MAX_ROWS = 5000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

JST_COLUMNS = [
    ("nazwa", "name"),
    ("rodzaj", "kind"),
    ("grupa", "program_group"),
    ("teryt", "teryt"),
    ("nip", "nip"),
    ("regon", "regon"),
    ("ulica", "street"),
    ("kod_pocztowy", "postal_code"),
    ("miejscowosc", "city"),
    ("organ", "head_title"),
    ("organ_imie_nazwisko", "head_name"),
    ("kontakt_imie_nazwisko", "contact_name"),
    ("kontakt_email", "contact_email"),
    ("kontakt_telefon", "contact_phone"),
]
MEMBER_COLUMNS = [
    ("teryt_jst", "teryt"),
    ("email", "email"),
    ("imie_nazwisko", "full_name"),
    ("stanowisko", "function"),
    ("telefon", "phone"),
]
SAMPLES = {
    "jst": [
        [
            "Gmina Przykładowa",
            "gmina wiejska",
            "I",
            "1459042",
            "",
            "",
            "ul. Szkolna 1",
            "00-950",
            "Przykładowo",
            "wójt",
            "Jan Przykładowy",
            "Anna Kontaktowa",
            "kontakt@example.org",
            "+48 500 000 000",
        ]
    ],
    "members": [["1459042", "osoba@example.org", "Ewa Przykładowa", "inspektor ds. oświaty", ""]],
}
_KIND_BY_NAME = {fold(label): key for key, (label, _g, _t) in JST_KINDS.items()}
_KIND_BY_NAME.update({key: key for key in JST_KINDS})
_GROUP_BY_NAME = {fold(v): k for k, v in PROGRAM_GROUPS.items()}
_GROUP_BY_NAME.update({str(k): k for k in PROGRAM_GROUPS})
# column sizes the values must fit (kind and group are looked up, not stored as typed; NIP and
# REGON are stored as digits only, once valid)
_JST_LIMITS = {
    field: Jst._meta.fields[field].max_length
    for _name, field in JST_COLUMNS
    if field not in ("kind", "program_group", "nip", "regon")
}
_MEMBER_LIMITS = {
    "email": User.email.max_length,
    "full_name": User.full_name.max_length,
    "function": TeamMembership.function.max_length,
    "phone": PHONE_MAX_LENGTH,
}


class UnreadableFile(Exception):
    """The file cannot be read at all; the message is what the user sees."""


def decode(data):
    """Text of an uploaded CSV: UTF-8 (with or without BOM) or Windows-1250."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"Plik jest za duży (najwyżej {MAX_BYTES // 1024} KB).")
    if b"\x00" in data:
        raise UnreadableFile("To nie jest plik CSV (plik tekstowy z wartościami rozdzielonymi ;).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1250", errors="replace")
    return clean(text)


def _rows(text, columns):
    lines = text.strip("\n").split("\n")
    if not lines or not lines[0].strip():
        raise UnreadableFile("Plik jest pusty.")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text.strip("\n")), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error:  # the csv module refuses a field longer than field_size_limit()
        limit = csv.field_size_limit()
        digits = f"{limit:,}".replace(",", " ")
        raise UnreadableFile(
            f"Plik zawiera wartość dłuższą niż {digits} {_chars(limit)} — może brakuje "
            "zamykającego cudzysłowu."
        ) from None
    header = [fold(h).replace(" ", "_") for h in records[0]]
    expected = [name for name, _ in columns]
    missing = [name for name in expected if name not in header]
    if missing:
        raise UnreadableFile(
            "Brak kolumn: "
            + ", ".join(missing)
            + ". Proszę pobrać wzór pliku i użyć jego nagłówka."
        )
    rows = []
    for number, values in enumerate(records[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(f"Za dużo wierszy (najwyżej {MAX_ROWS}).")
        record = dict(zip(header, (v.strip() for v in values), strict=False))
        rows.append((number, {field: record.get(name, "") for name, field in columns}))
    if not rows:
        raise UnreadableFile("Plik nie zawiera żadnych wierszy danych.")
    return rows


def _length_errors(row, columns, limits):
    """A reason for every value longer than its column in the database."""
    return [
        f"za długa wartość w kolumnie {name} (najwyżej {limits[field]} {_chars(limits[field])})"
        for name, field in columns
        if field in limits and len(row[field]) > limits[field]
    ]


def _chars(n):
    return "znaki" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "znaków"


def check_jsts(text):
    """[(row number, data, [reasons])] for a JST file; raises UnreadableFile when unreadable."""
    checked, seen_names, seen_teryt = [], {}, {}
    for number, row in _rows(text, JST_COLUMNS):
        reasons = []
        kind = _KIND_BY_NAME.get(fold(row["kind"]))
        if not row["name"]:
            reasons.append("brak nazwy JST")
        if kind is None:
            reasons.append(f"nieznany rodzaj JST „{row['kind'][:40]}”")
        group = _GROUP_BY_NAME.get(fold(row["program_group"]))
        if row["program_group"] and group is None:
            reasons.append("grupa programowa to I, II, III albo IV")
        if kind:
            row["kind"] = kind
            mismatch = group and jst_rules.group_error(kind, group)
            if mismatch:
                reasons.append(mismatch)
            elif not row["program_group"] and jsts.default_group(kind) is None:
                reasons.append("dla miasta na prawach powiatu proszę podać grupę programową (I–IV)")
            row["program_group"] = group or jsts.default_group(kind)
            identity = jst_rules.identity_errors(kind, row["teryt"], row["nip"], row["regon"])
            reasons += identity.values()
            if not identity:
                row["nip"], row["regon"] = jst_rules.compact_identity(row["nip"], row["regon"])
            reasons += jst_rules.profile_errors(kind, row).values()
        reasons += _length_errors(row, JST_COLUMNS, _JST_LIMITS)
        key = fold(row["name"])
        if key in seen_names:
            reasons.append(f"powtórzona nazwa (jak w wierszu {seen_names[key]})")
        elif row["teryt"] in seen_teryt:
            reasons.append(f"powtórzony TERYT (jak w wierszu {seen_teryt[row['teryt']]})")
        elif row["name"] and not reasons:
            duplicate = jsts.duplicate_error(row["name"], row["teryt"])
            if duplicate:
                reasons.append("duplikat: " + duplicate[1])
        seen_names.setdefault(key, number)
        seen_teryt.setdefault(row["teryt"], number)
        checked.append((number, row, [_lower_first(r) for r in reasons]))
    return checked


def check_members(text):
    checked, seen_emails, added = [], {}, {}
    by_teryt = {j.teryt: j for j in Jst.select().where(Jst.status == "active") if j.teryt}
    sizes = {
        row.jst_id: row.n
        for row in TeamMembership.select(TeamMembership.jst, fn.COUNT(TeamMembership.id).alias("n"))
        .where(TeamMembership.left_at.is_null())
        .group_by(TeamMembership.jst)
        .objects()
    }
    for number, row in _rows(text, MEMBER_COLUMNS):
        reasons = []
        jst = by_teryt.get(row["teryt"])
        if jst is None:
            reasons.append(f"nie ma uczestniczącej JST o TERYT „{row['teryt'][:10]}”")
        email = accounts.normalize_email(row["email"])
        if not _EMAIL.fullmatch(email) or len(email) > 254:
            reasons.append("nieprawidłowy adres e-mail")
        if not row["full_name"]:
            reasons.append("brak imienia i nazwiska")
        if not row["function"]:
            reasons.append("brak stanowiska")
        reasons += _length_errors(row, MEMBER_COLUMNS, _MEMBER_LIMITS)
        if email in seen_emails:
            reasons.append(f"powtórzony e-mail (jak w wierszu {seen_emails[email]})")
        else:
            user = User.get_or_none(User.email == email)
            if user is not None:
                reasons.append("duplikat: konto z tym adresem e-mail już istnieje")
        if jst is not None:
            added[jst.id] = added.get(jst.id, 0) + 1
            if sizes.get(jst.id, 0) + added[jst.id] > TEAM_MAX:
                reasons.append(f"za duży zespół: JST „{jst.name}” miałaby ponad {TEAM_MAX} osoby")
            row["jst"] = jst
        seen_emails.setdefault(email, number)
        row["email"] = email
        checked.append((number, row, reasons))
    return checked


def _lower_first(text):
    """A reason inside a list starts lower-case ("kod pocztowy …"), an acronym stays ("TERYT …")."""
    if text[1:2].isupper():  # an acronym
        return text
    return text[:1].lower() + text[1:]


def import_jsts(checked, actor, address=""):
    with write_tx():
        for _number, row, _reasons in checked:
            Jst(**row).save()
        audit.record("jst_imported", actor=actor, address=address, details=f"{len(checked)} JST")
    return len(checked)


def import_members(checked, actor, hash_method, address=""):
    """Create the accounts and memberships; returns the new users (for set-password links)."""
    users = []
    with write_tx():
        for _number, row, _reasons in checked:
            user = accounts.create_user(row["email"], row["full_name"], "participant", hash_method)
            TeamMembership.create(
                jst=row["jst"],
                user=user,
                function=row["function"],
                phone_enc=crypto.encrypt(row["phone"]),
            )
            users.append(user)
        audit.record(
            "members_imported",
            actor=actor,
            address=address,
            details=count_pl(len(users), "osoba", "osoby", "osób"),
        )
    return users


def sample_csv(kind):
    """The sample file: UTF-8 with BOM and `;`, as Polish Excel opens it."""
    columns = JST_COLUMNS if kind == "jst" else MEMBER_COLUMNS
    return exports.csv_text([[name for name, _ in columns], *SAMPLES[kind]])
