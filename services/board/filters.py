"""The board's filters: the values a user may filter and sort by, read from the query string."""

from dataclasses import dataclass, field

from lib.identifiers import VOIVODESHIPS
from models import JST_KINDS, PROGRAM_GROUPS
from models.plans import STATUS_LABELS

PER_PAGE = 50
NO_PLAN = "none"
PLAN_STATUSES = {NO_PLAN: "Nierozpoczęty", **STATUS_LABELS}


# ?brak=… : what a JST lacks
MISSING = {
    "deklaracja": "brak podpisanej deklaracji współpracy",
    "oswiadczenia": "brak podpisanych oświadczeń uczestników",
    "obecnosc": "frekwencja poniżej progu zaświadczenia",
    "wizyta": "brak wizyty eksperta",
}

# ?sort=… (a leading "-" reverses): the column keys a user may sort by (the SQL of each is
# _Facts.sorts; labelled columns sort by their label, empty values come last either way)
SORTS = (
    "nazwa",
    "rodzaj",
    "grupa",
    "woj",
    "ekspert",
    "zespol",
    "status",
    "zmiana",
    "deklaracja",
    "oswiadczenia",
    "obecnosc",
    "zadania",
    "wizyta",
    "ankiety",
    "zaswiadczenia",
)


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    group: int | None = None
    kind: str = ""
    voivodeship: str = ""
    expert: int | None = None
    missing: list = field(default_factory=list)
    sort: str = "nazwa"
    page: int = 1
    ignored: list = field(default_factory=list)  # names of the values that were not understood

    def query_args(self, **changes):
        """The URL parameters of this view (with `changes`), without the empty ones."""
        args = {
            "q": self.q,
            "status": self.status,
            "grupa": self.group or "",
            "rodzaj": self.kind,
            "woj": self.voivodeship,
            "ekspert": self.expert or "",
            "brak": list(self.missing),
            "sort": "" if self.sort == "nazwa" else self.sort,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None, [])}


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def parse_filters(args):
    """Filters from the query string (a MultiDict): a value outside the allowed ones is dropped
    and named in `ignored`, never passed on."""
    f = Filters(q=(args.get("q") or "").strip()[:100])
    ignored = []

    def pick(name, allowed, convert=str):
        raw = args.get(name, "")
        if raw == "":
            return None
        value = convert(raw)
        if value in allowed:
            return value
        ignored.append(name)
        return None

    f.status = pick("status", PLAN_STATUSES) or ""
    f.group = pick("grupa", PROGRAM_GROUPS, _int)
    f.kind = pick("rodzaj", JST_KINDS) or ""
    f.voivodeship = pick("woj", VOIVODESHIPS) or ""
    raw_expert = args.get("ekspert", "")
    if raw_expert:
        f.expert = _int(raw_expert)
        if f.expert is None:
            ignored.append("ekspert")
    for value in args.getlist("brak"):
        if value in MISSING and value not in f.missing:
            f.missing.append(value)
        elif value not in MISSING:
            ignored.append("brak")
    sort = args.get("sort", "") or "nazwa"
    if sort.lstrip("-") in SORTS:
        f.sort = sort
    else:
        ignored.append("sort")
    f.page = _int(args.get("strona", "1")) or 1
    f.ignored = sorted(set(ignored))
    return f


def _heads():
    heads = [("status", k) for k in PLAN_STATUSES]
    heads += [("missing", k) for k in MISSING]
    return heads + [("group", g) for g in PROGRAM_GROUPS]
