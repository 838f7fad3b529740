"""Append-only audit log: who, what, when, from where. Never personal data in `subject`."""

from models import AuditLog

ACTIONS = {
    "login": "Logowanie",
    "login_failed": "Nieudane logowanie",
    "login_throttled": "Logowanie zablokowane (limit prób)",
    "logout": "Wylogowanie",
    "logout_everywhere": "Wylogowanie z innych urządzeń",
    "password_changed": "Zmiana hasła",
    "password_link": "Link do ustawienia hasła",
    "password_set": "Ustawienie hasła z linku",
    "user_created": "Utworzenie konta",
    "role_changed": "Zmiana roli",
    "user_deactivated": "Dezaktywacja konta",
    "user_activated": "Aktywacja konta",
    "settings_changed": "Zmiana ustawień",
    "jst_created": "Utworzenie JST",
    "jst_updated": "Zmiana danych JST",
    "jst_withdrawn": "Wycofanie JST",
    "jst_restored": "Przywrócenie JST",
    "jst_imported": "Import JST z CSV",
    "member_added": "Dodanie członka zespołu",
    "member_left": "Odejście członka zespołu",
    "members_imported": "Import członków zespołów z CSV",
    "expert_assigned": "Przypisanie eksperta",
    "plan_submit": "Przekazanie planu do opiniowania",
    "plan_return": "Zwrot planu do poprawy",
    "plan_accept": "Zatwierdzenie planu",
    "plan_reopen": "Ponowne otwarcie planu",
    "suggestion_accepted": "Przyjęcie propozycji zmiany eksperta",
    "suggestion_rejected": "Odrzucenie propozycji zmiany eksperta",
    "pii_read": "Odczyt danych osobowych uczestnika",
    "pii_written": "Zmiana danych osobowych uczestnika",
    "pii_exported": "Eksport danych uczestników",
    "pii_erased": "Usunięcie danych osobowych",
    "document_download": "Pobranie dokumentu z danymi osobowymi",
    "documents_batch": "Pobranie paczki dokumentów z danymi osobowymi",
    "job_download": "Pobranie pliku zadania w tle z danymi osobowymi",
    "template_uploaded": "Nowa wersja szablonu dokumentu",
    "signed_copy": "Zapisanie podpisanego egzemplarza",
    "certificates_issued": "Wystawienie zaświadczeń o ukończeniu szkolenia",
}


def record(action, actor=None, subject="", address="", details=""):
    return AuditLog.create(
        action=action,
        actor=actor.id if actor is not None else None,
        subject=subject[:200],
        address=(address or "")[:64],
        details=details,
    )


def label(action):
    return ACTIONS.get(action, action)
