"""Participant data (the EU participant register's fields): the one service that reads and
writes it — encrypting the sensitive columns and recording every read of someone else's data,
every export and every erasure in the audit log (who, whose, when, what; never the values)."""

from datetime import date

from lib import crypto, exports
from lib.identifiers import VOIVODESHIPS, make_pesel
from lib.plural import count_pl
from models import Jst, TeamMembership, User, utcnow, write_tx
from models.documents import SignedCopy
from models.participants import ENCRYPTED, PLAIN, ParticipantData

from . import audit, jobs, pii_keys, teryt_places
from .accounts import end_sessions

# the columns this module sets itself (dates of the life cycle, the age band), read with PLAIN
SET_HERE = ("joined_at", "left_at", "leaving_status", "clause_accepted_at", "erased_at", "age_band")
EDUCATION = [
    ("isced0", "niższe niż podstawowe (ISCED 0)"),
    ("isced1", "podstawowe (ISCED 1)"),
    ("isced2", "gimnazjalne (ISCED 2)"),
    ("isced3", "ponadgimnazjalne (ISCED 3)"),
    ("isced4", "policealne (ISCED 4)"),
    ("isced5_8", "wyższe (ISCED 5–8)"),
]
VOIVODESHIP_CHOICES = [(name, name) for name in VOIVODESHIPS.values()]
AREAS = [("miejski", "obszar miejski"), ("wiejski", "obszar wiejski")]
SEXES = [("K", "kobieta"), ("M", "mężczyzna")]
SENSITIVE_ANSWERS = [
    ("nie", "nie"),
    ("tak", "tak"),
    ("odmowa", "odmowa podania informacji"),
]
SENSITIVE_QUESTIONS = {
    "minority": "Osoba należąca do mniejszości narodowej lub etnicznej, migrant, osoba obcego "
    "pochodzenia",
    "disability": "Osoba z niepełnosprawnościami",
    "disadvantage": "Osoba w innej niekorzystnej sytuacji społecznej",
}
PARTICIPANT_KIND = "pracownik lub przedstawiciel instytucji"
LABOUR_STATUS = "osoba pracująca"
LABOUR_KIND = "osoba pracująca w administracji samorządowej"
LABELS = {
    "country": "Kraj",
    "first_name": "Imię",
    "last_name": "Nazwisko",
    "pesel": "PESEL",
    "sex": "Płeć",
    "birth_date": "Data urodzenia",
    "education": "Wykształcenie",
    "voivodeship": "Województwo",
    "powiat": "Powiat",
    "gmina": "Gmina",
    "town": "Miejscowość",
    "street": "Ulica",
    "house_no": "Numer budynku",
    "flat_no": "Numer lokalu",
    "postal_code": "Kod pocztowy",
    "area": "Obszar",
    "phone": "Telefon",
    "email": "Adres e-mail",
    "occupation": "Wykonywany zawód",
    "joined_at": "Data rozpoczęcia udziału w projekcie",
    "clause": "Zapoznanie się z klauzulą informacyjną",
}
REQUIRED = (
    "country",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "education",
    "voivodeship",
    "powiat",
    "gmina",
    "town",
    "house_no",
    "postal_code",
    "area",
    "phone",
    "email",
    "occupation",
    "joined_at",
)
# the register's column order (DOMAIN.md) for the XLSX export
EXPORT_COLUMNS = [
    ("Kraj", "country"),
    ("Rodzaj uczestnika", "participant_kind"),
    ("Nazwa instytucji", "institution"),
    ("Imię", "first_name"),
    ("Nazwisko", "last_name"),
    ("PESEL", "pesel"),
    ("Płeć", "sex_label"),
    ("Wiek w chwili przystąpienia do projektu", "age"),
    ("Wykształcenie", "education_label"),
    ("Województwo", "voivodeship"),
    ("Powiat", "powiat"),
    ("Gmina", "gmina"),
    ("Miejscowość", "town"),
    ("Ulica", "street"),
    ("Nr budynku", "house_no"),
    ("Nr lokalu", "flat_no"),
    ("Kod pocztowy", "postal_code"),
    ("Obszar", "area_label"),
    ("Telefon kontaktowy", "phone"),
    ("Adres e-mail", "email"),
    ("Data rozpoczęcia udziału w projekcie", "joined_at"),
    ("Data zakończenia udziału w projekcie", "left_at"),
    ("Status osoby na rynku pracy w chwili przystąpienia do projektu", "labour_status"),
    ("Rodzaj (status na rynku pracy)", "labour_kind"),
    ("Wykonywany zawód", "occupation"),
    ("Zatrudniony w", "employer"),
    ("Sytuacja osoby w momencie zakończenia udziału w projekcie", "leaving_status"),
    ("Mniejszość, migrant, obce pochodzenie", "minority_label"),
    ("Niepełnosprawność", "disability_label"),
    ("Inna niekorzystna sytuacja społeczna", "disadvantage_label"),
]


class DuplicatePesel(Exception):
    """Another participant already gave this PESEL."""


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(age):
    if age is None:
        return ""
    return "18-24" if age < 25 else "25-54" if age < 55 else "55+"


def _institution(user):
    return institutions([user.id]).get(user.id, "")


def institutions(user_ids):
    """{user id: the name of the JST the person works for — their latest current team, else
    their latest one} (a query per 500 people)."""
    names = {}
    user_ids = list(user_ids)
    for start in range(0, len(user_ids), 500):  # SQLite's bound on parameters
        for user_id, name in (
            TeamMembership.select(TeamMembership.user, Jst.name)
            .join(Jst)
            .where(TeamMembership.user.in_(user_ids[start : start + 500]))
            .order_by(TeamMembership.left_at.is_null(False), TeamMembership.id.desc())
            .tuples()
        ):
            names.setdefault(user_id, name)
    return names


def _record(user):
    return ParticipantData.get_or_none(ParticipantData.user == user)


def decrypted(record, user, institution=None):
    """The stored values as plain Python values (strings, dates); None when nothing is stored.
    institution: the person's (institutions() gives a batch's in bulk), else read here."""
    if record is None:
        return None
    values = {name: crypto.decrypt(getattr(record, f"{name}_enc")) for name in ENCRYPTED}
    birth = values["birth_date"]
    values["birth_date"] = date.fromisoformat(birth) if birth else None
    for name in (*PLAIN, *SET_HERE):
        values[name] = getattr(record, name)
    values["institution"] = _institution(user) if institution is None else institution
    values["age"] = (
        age_on(values["birth_date"], record.joined_at)
        if values["birth_date"] and record.joined_at
        else None
    )
    return values


def read(user, actor, address="", purpose="odczyt"):
    """The participant's data, decrypted; a read by anyone but the owner is audited."""
    values = decrypted(_record(user), user)
    if actor.id != user.id and values is not None:
        audit.record(
            "pii_read", actor=actor, subject=f"user:{user.id}", address=address, details=purpose
        )
    return values


def save(user, data, actor, address=""):
    """Store the participant's data (`data`: field → plain value, as the form gives it)."""
    with write_tx():
        record = _record(user) or ParticipantData(user=user)
        pesel = data.get("pesel") or ""
        digest = crypto.lookup_hash(pesel) if pesel else None
        if (
            digest
            and ParticipantData.select()
            .where((ParticipantData.pesel_hash == digest) & (ParticipantData.user != user))
            .exists()
        ):
            raise DuplicatePesel()
        for name in ENCRYPTED:
            value = data.get(name)
            if isinstance(value, date):
                value = value.isoformat()
            setattr(record, f"{name}_enc", crypto.encrypt(value or ""))
        record.pesel_hash = digest
        for name in PLAIN:
            setattr(record, name, data.get(name) if data.get(name) is not None else "")
        record.joined_at = data.get("joined_at") or None  # a date column: empty is NULL
        if data.get("clause"):
            record.clause_accepted_at = record.clause_accepted_at or utcnow()
        birth, joined = data.get("birth_date"), data.get("joined_at")
        record.age_band = age_band(age_on(birth, joined)) if birth and joined else ""
        record.erased_at = None
        record.updated_at = utcnow()
        record.save()
        if actor.id != user.id:
            audit.record("pii_written", actor=actor, subject=f"user:{user.id}", address=address)
    return record


def match_register_addresses():
    """Give addresses typed as free text (before the register's choices) the register's names
    and the gmina's TERYT code where exactly one gmina fits; the others keep what was typed,
    without a code, and the participant's form asks to choose. Returns (matched, left)."""
    matched = left = 0
    records = ParticipantData.select().where(
        (ParticipantData.gmina_enc != "") & (ParticipantData.gmina_teryt_enc == "")
    )
    for record in records:
        typed = [
            crypto.decrypt(getattr(record, f"{n}_enc")) for n in ("voivodeship", "powiat", "gmina")
        ]
        code = teryt_places.match(*typed)
        if code is None:
            left += 1
            continue
        voivodeship, powiat, gmina, _kind = teryt_places.gmina(code)
        with write_tx():
            ParticipantData.update(
                voivodeship_enc=crypto.encrypt(voivodeship),
                powiat_enc=crypto.encrypt(powiat),
                gmina_enc=crypto.encrypt(gmina),
                gmina_teryt_enc=crypto.encrypt(code),
            ).where(ParticipantData.id == record.id).execute()
        matched += 1
    return matched, left


def joined_on(user):
    """The date the participant joined the project (None when not given); not personal data
    of the encrypted kind, so the read is not audited (as missing_fields)."""
    record = _record(user)
    return record.joined_at if record else None


def save_leaving(user, left_at, status, actor, address=""):
    with write_tx():
        record = _record(user) or ParticipantData.create(user=user)
        # only these columns: writing back the whole record read above would undo a save or a
        # key rotation (pii_keys) of the encrypted ones that committed in between
        ParticipantData.update(left_at=left_at, leaving_status=status).where(
            ParticipantData.id == record.id
        ).execute()
        audit.record(
            "pii_written",
            actor=actor,
            subject=f"user:{user.id}",
            address=address,
            details="zakończenie udziału",
        )


def missing_fields(user):
    """Polish labels of what the declaration still needs; [] when the data is complete."""
    return missing_in(decrypted(_record(user), user))


def missing_in(values):
    """missing_fields of the decrypted values (None: nothing stored)."""
    if values is None:
        return ["wszystkie dane uczestnika"]
    missing = [LABELS[name] for name in REQUIRED if not values.get(name)]
    if not values["no_pesel"] and not values["pesel"]:
        missing.insert(3, LABELS["pesel"])
    if not values["clause_accepted_at"]:
        missing.append(LABELS["clause"])
    return missing


def declaration_data(user, actor, address=""):
    """What the participant declaration prints, as plain strings and dates (None when nothing is
    stored). Keys: country, participant_kind, institution, first_name, last_name, pesel (or
    "brak"), sex_label, birth_date, age, education_label, voivodeship, powiat, gmina, town,
    street, house_no, flat_no, postal_code, area_label, phone, email, joined_at, left_at,
    labour_status, labour_kind, occupation, employer, leaving_status, minority_label,
    disability_label, disadvantage_label, clause_accepted_at. The read is audited."""
    values = read(user, actor, address, purpose="deklaracja uczestnika")
    return None if values is None else printable(values)


def compared_declaration_data(user):
    """declaration_data for comparing with a signed copy only: nothing of it is shown, so the
    read is not audited (as missing_fields)."""
    values = decrypted(_record(user), user)
    return None if values is None else printable(values)


def printable(values):
    """The decrypted values (decrypted) as a declaration prints them: labels, not codes."""
    answers = dict(SENSITIVE_ANSWERS)
    return {
        "country": values["country"],
        "participant_kind": PARTICIPANT_KIND,
        "institution": values["institution"],
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "pesel": values["pesel"] or ("brak" if values["no_pesel"] else ""),
        "sex_label": dict(SEXES).get(values["sex"], ""),
        "birth_date": values["birth_date"],
        "age": "" if values["age"] is None else str(values["age"]),
        "education_label": dict(EDUCATION).get(values["education"], ""),
        "voivodeship": values["voivodeship"],
        "powiat": values["powiat"],
        "gmina": values["gmina"],
        "town": values["town"],
        "street": values["street"],
        "house_no": values["house_no"],
        "flat_no": values["flat_no"],
        "postal_code": values["postal_code"],
        "area_label": dict(AREAS).get(values["area"], ""),
        "phone": values["phone"],
        "email": values["email"],
        "joined_at": values["joined_at"],
        "left_at": values["left_at"],
        "labour_status": LABOUR_STATUS,
        "labour_kind": LABOUR_KIND,
        "occupation": values["occupation"],
        "employer": values["institution"],
        "leaving_status": values["leaving_status"],
        "minority_label": answers.get(values["minority"], ""),
        "disability_label": answers.get(values["disability"], ""),
        "disadvantage_label": answers.get(values["disadvantage"], ""),
        "clause_accepted_at": values["clause_accepted_at"],
    }


def own_export(user):
    """Everything stored about the participant (their own download, so not audited)."""
    values = decrypted(_record(user), user) or {}
    return {
        "konto": {"email": user.email, "imie_i_nazwisko": user.full_name, "rola": user.role},
        "dane_uczestnika": {key: _jsonable(value) for key, value in values.items()},
    }


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_xlsx(actor, address=""):
    """The EU register export: every cell written as text (no formulas); the export is audited."""
    rows = [[header for header, _key in EXPORT_COLUMNS]]
    for record in ParticipantData.select(ParticipantData, User).join(User).order_by(User.full_name):
        row = printable(decrypted(record, record.user))
        rows.append([_text(row.get(key)) for _header, key in EXPORT_COLUMNS])
    count = len(rows) - 1
    audit.record(
        "pii_exported",
        actor=actor,
        address=address,
        details=f"XLSX, {count_pl(count, 'osoba', 'osoby', 'osób')}",
    )
    return exports.xlsx_bytes("Uczestnicy", rows)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def erase(user, actor, address=""):
    """Erase PESEL, birth date, address, phone (also the one kept with the team membership), the
    sensitive answers and the stored signed declarations; keep the name, the membership and the
    anonymous facts (sex, age band, education); deactivate the account."""
    with write_tx():
        record = _record(user)
        if record is not None:
            for name in ENCRYPTED:
                setattr(record, f"{name}_enc", "")
            record.pesel_hash = None
            record.erased_at = utcnow()
            record.save()
        TeamMembership.update(phone_enc="").where(TeamMembership.user == user.id).execute()
        # the stored signed declarations print the same data
        SignedCopy.delete().where(SignedCopy.participant == user.id).execute()
        jobs.erase_for(user.id)  # finished batches of declarations print it too
        User.update(active=False).where(User.id == user.id).execute()
        end_sessions(user)
        audit.record("pii_erased", actor=actor, subject=f"user:{user.id}", address=address)


def erasable_before(day):
    """Participants whose part in the project ended before `day` (left, or joined when no
    leaving date is recorded) and whose data is not erased yet."""
    left = ParticipantData.left_at.is_null(False) & (ParticipantData.left_at < day)
    joined = ParticipantData.left_at.is_null() & (ParticipantData.joined_at < day)
    ended = left | joined
    return list(
        ParticipantData.select(ParticipantData, User)
        .join(User)
        .where(ended & ParticipantData.erased_at.is_null())
        .order_by(User.full_name)
    )


def anonymous_counts():
    """The facts the programme must report, by sex, age band and education (kept after erasure)."""
    counts = {}
    for record in ParticipantData.select(
        ParticipantData.sex, ParticipantData.age_band, ParticipantData.education
    ):
        key = (record.sex, record.age_band, record.education)
        counts[key] = counts.get(key, 0) + 1
    return counts


def rotate_keys():
    """Re-encrypt every token with the newest key (personal data, team phones, signed copies)
    and recompute the PESEL lookup hashes; returns the number of participant records."""
    return pii_keys.rotate_all()


def seed_demo(ctx):
    """Complete fictitious data for uczestnik1–6; uczestnik7–8 stay without (idempotent)."""
    users = ctx["users"]
    for n in range(1, 7):
        user = users.get(f"uczestnik{n}@example.org")
        if user is None or _record(user) is not None:
            continue
        first, last = user.full_name.split(" ", 1)
        female = first.endswith("a")
        birth = date(1970 + n * 3, n, 10 + n)
        save(
            user,
            {
                "country": "Polska",
                "first_name": first,
                "last_name": last,
                "pesel": make_pesel(birth, not female, serial=100 + n),
                "sex": "K" if female else "M",
                "birth_date": birth,
                "education": "isced5_8",
                "voivodeship": "mazowieckie",
                "powiat": "testowy",
                "gmina": "Przykładowo",
                "town": "Przykładowo",
                "street": "ul. Zmyślona",
                "house_no": str(n),
                "flat_no": "",
                "postal_code": "00-950",
                "area": "wiejski",
                "phone": f"+48 600 000 {n:03d}",
                "email": user.email,
                "occupation": "urzędnik samorządowy",
                "joined_at": date(2017, 4, 5),
                "minority": "odmowa",
                "disability": "nie",
                "disadvantage": "nie",
                "clause": True,
            },
            user,
        )
