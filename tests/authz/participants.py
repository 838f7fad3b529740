from . import LOGIN_REDIRECT, OK, POST_OK, ROLES, Case


def _only(roles, ok=OK):
    """Pages that do not exist (404) for anyone outside `roles`."""
    expect = {role: frozenset({404}) for role in ROLES}
    expect["anon"] = LOGIN_REDIRECT
    for role in roles:
        expect[role] = frozenset(ok) if isinstance(ok, (set, frozenset)) else frozenset({ok})
    return expect


PARTICIPANTS = ("participant_own", "participant_other")
CASES = [
    Case("participants.my_data", "/moje-dane", _only(PARTICIPANTS)),
    Case("participants.my_data", "/moje-dane", _only(PARTICIPANTS, POST_OK), method="POST"),
    Case("participants.my_export", "/moje-dane/eksport.json", _only(PARTICIPANTS)),
    Case("participants.status", "/uczestnicy", _only(["coordinator"])),
    Case("participants.person", "/uczestnicy/{participant}/dane", _only(["coordinator"])),
    Case(
        "participants.person",
        "/uczestnicy/{participant}/dane",
        _only(["coordinator"], POST_OK),
        method="POST",
    ),
    Case(
        "participants.leaving",
        "/uczestnicy/{participant}/zakonczenie",
        _only(["coordinator"], POST_OK),
        method="POST",
    ),
    Case(
        "participants.erase", "/uczestnicy/{participant}/usuniecie-danych", _only(["coordinator"])
    ),
]

FORMS = [
    ("participant_own", "/moje-dane"),
    ("coordinator", "/uczestnicy/{participant}/dane"),
]
