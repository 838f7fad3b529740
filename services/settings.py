"""Programme settings: defaults here, coordinator's values in the Setting table."""

from models import Setting, utcnow, write_tx

# key → (label, default, long text?)
FIELDS = {
    "programme_name": (
        "Nazwa programu",
        "Pilotaż wspierania JST w podnoszeniu jakości usług oświatowych",
        False,
    ),
    "ore_name": ("Nazwa ORE", "Ośrodek Rozwoju Edukacji", False),
    "ore_address": ("Adres ORE", "ul. Polna 46a, 00-644 Warszawa", False),
    "ore_nip": ("NIP ORE", "", False),
    "ore_regon": ("REGON ORE", "", False),
    "ore_representative": ("Przedstawiciel ORE (imię i nazwisko)", "Jan Przykładowy", False),
    "ore_representative_function": ("Funkcja przedstawiciela ORE", "Dyrektor", False),
    "ore_contact": ("Osoba do kontaktu w ORE (imię, e-mail, telefon)", "", False),
    "document_footer": (
        "Stopka dokumentów (współfinansowanie UE)",
        "Projekt współfinansowany ze środków Unii Europejskiej w ramach Europejskiego Funduszu "
        "Społecznego, Program Operacyjny Wiedza Edukacja Rozwój 2014–2020, działanie 2.10 "
        "„Wysoka jakość systemu oświaty”.",
        True,
    ),
    "data_protection_clause": (
        "Klauzula informacyjna (RODO)",
        "Administratorem danych osobowych uczestników programu jest Ośrodek Rozwoju Edukacji "
        "w Warszawie, ul. Polna 46a, 00-644 Warszawa. Kontakt z inspektorem ochrony danych: "
        "iod@example.org. Dane są przetwarzane wyłącznie w celu realizacji, rozliczenia, "
        "monitorowania, ewaluacji i kontroli projektu, na podstawie art. 6 ust. 1 lit. c RODO. "
        "Odbiorcami danych mogą być instytucje zarządzające programem i podmioty przez nie "
        "upoważnione. Dane będą przechowywane przez okres wynikający z przepisów o archiwizacji "
        "dokumentacji projektu. Przysługuje Pani/Panu prawo dostępu do danych, ich sprostowania, "
        "ograniczenia przetwarzania oraz wniesienia skargi do Prezesa UODO. Podanie danych jest "
        "warunkiem udziału w projekcie.",
        True,
    ),
    "programme_start": ("Data rozpoczęcia programu (RRRR-MM-DD)", "2017-04-05", False),
    "programme_end": ("Data zakończenia programu (RRRR-MM-DD)", "2017-11-17", False),
    "programme_plan_deadline": (
        "Termin przekazania planów do opiniowania (RRRR-MM-DD, puste – bez terminu)",
        "",
        False,
    ),
    # reminders (services/reminders.py): a number of days, empty = the reminder is off
    "reminder_task_days": (
        "Przypomnienie o zadaniu wdrożeniowym: ile dni przed terminem (puste – wyłączone)",
        "3",
        False,
    ),
    "reminder_survey_days": (
        "Przypomnienie o ankiecie: ile dni przed jej zamknięciem (puste – wyłączone)",
        "2",
        False,
    ),
    "reminder_plan_days": (
        "Przypomnienie o planie w wersji roboczej: ile dni przed terminem przekazania "
        "(puste – wyłączone)",
        "7",
        False,
    ),
    "reminder_return_days": (
        "Przypomnienie o planie zwróconym do poprawy: po ilu dniach bez odpowiedzi zespołu "
        "(puste – wyłączone)",
        "7",
        False,
    ),
    "reminder_documents_days": (
        "Przypomnienie o brakującej podpisanej deklaracji współpracy lub oświadczeniu: ile dni "
        "po pierwszym module (puste – wyłączone)",
        "14",
        False,
    ),
    "reminder_expert_days": (
        "Przypomnienie dla eksperta o planie czekającym na opinię: po ilu dniach "
        "(puste – wyłączone)",
        "5",
        False,
    ),
    "retention_until": (
        "Dane osobowe przechowywane do (RRRR-MM-DD)",
        "2030-12-31",
        False,
    ),
}


# the completion rule of the certificates, set with its own form on the certificates page
CERTIFICATE_RULE = {"certificate_min_attendance": "80", "certificate_plan_status": "submitted"}


def _defaults():
    return {**{key: default for key, (_, default, _) in FIELDS.items()}, **CERTIFICATE_RULE}


def get_all():
    values = _defaults()
    values.update({s.key: s.value for s in Setting.select() if s.key in values})
    return values


def get(key):
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else _defaults()[key]


def save(values):
    """Store the given keys; returns the keys whose value changed."""
    current = get_all()
    changed = [k for k, v in values.items() if k in current and current.get(k) != v]
    with write_tx():
        for key in changed:
            Setting.insert(key=key, value=values[key], updated_at=utcnow()).on_conflict(
                conflict_target=[Setting.key],
                update={Setting.value: values[key], Setting.updated_at: utcnow()},
            ).execute()
    return changed
