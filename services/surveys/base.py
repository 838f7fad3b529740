"""What the parts of services.surveys share: limits, labels and the exceptions."""

from datetime import timedelta

MIN_GROUP = 3  # fewer answers than this: nothing is shown (anonymity)
OPEN_DAYS = 14
TEXT_MAX = 5000
RATING_LABELS = {
    "1": "1 — bardzo słabo",
    "2": "2 — słabo",
    "3": "3 — przeciętnie",
    "4": "4 — dobrze",
    "5": "5 — bardzo dobrze",
}
PLAN_RULES = {
    "none": "bez wymogu",
    "submitted": "plan JST przekazany do opiniowania (co najmniej raz)",
    "accepted": "plan JST zatwierdzony",
}
VERIFY_MAX_FAILS = 20  # wrong codes per address …
VERIFY_WINDOW = timedelta(minutes=10)  # … in this window


class Locked(Exception):
    """A change refused with a Polish explanation (answers exist, the survey is closed …)."""


class AlreadyAnswered(Exception):
    pass


class Throttled(Exception):
    pass
