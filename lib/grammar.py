"""Polish grammar the documents take from data: the JST's kind (gmina → reprezentowana, powiat →
reprezentowany, miasto → reprezentowane), a person's sex (zatrudniony/zatrudniona) and the JST's
name in the genitive and the locative (a suggestion the coordinator corrects on the JST form)."""

import re

from stdnum.pl import pesel as _pesel

from lib.plural import plural_pl

# grammatical gender of the JST's kind (the noun the documents say: gmina, powiat, miasto)
JST_GENDER = {
    "gmina_wiejska": "f",
    "gmina_miejska": "f",
    "gmina_miejsko_wiejska": "f",
    "powiat": "m",
    "miasto_na_prawach_powiatu": "n",
    "wojewodztwo": "n",
}
# participles and pronouns that agree with the JST's kind: (feminine, masculine, neuter)
_JST_WORDS = {
    "reprezentowana": ("reprezentowana", "reprezentowany", "reprezentowane"),
    "zwana": ("zwana", "zwany", "zwane"),
    "jej": ("jej", "jego", "jego"),  # "działam na jej rzecz": the JST the name begins with
}
# words that agree with a person's sex: key → (female, male); with the sex unknown, both joined
# by "lub" (kept for uploaded templates; the default templates use _PERSON_PHRASES)
_PERSON_WORDS = {
    "zatrudniony": ("zatrudniona", "zatrudniony"),
    "zapoznalem": ("zapoznałam", "zapoznałem"),
    "zostalem": ("zostałam", "zostałem"),
    "poinformowany": ("poinformowana", "poinformowany"),
    "swiadomy": ("świadoma", "świadomy"),
    "ukonczyl": ("ukończyła", "ukończył"),
    "reprezentujacy": ("reprezentująca", "reprezentujący"),
    "uczestnik": ("uczestniczka", "uczestnik"),
    "podpisany": ("podpisana", "podpisany"),
    "przedstawiciel": ("przedstawicielka", "przedstawiciel"),
    "pan": ("Pani", "Pan"),
}
# whole phrases: key → (female, male, without gender) — the third reads right for anyone, so a
# document never prints "podpisana/podpisany" while the sex is unknown
_PERSON_PHRASES = {
    "ja_podpisany": ("Ja, niżej podpisana", "Ja, niżej podpisany", "Ja,"),
    "jestem_zatrudniony": ("jestem zatrudniona", "jestem zatrudniony", "pracuję"),
    "jestem_swiadomy": ("jestem świadoma", "jestem świadomy", "mam świadomość"),
    "zostalem_poinformowany": (
        "zostałam poinformowana",
        "zostałem poinformowany",
        "przyjmuję do wiadomości",
    ),
    "zapoznalem_sie": ("Zapoznałam się", "Zapoznałem się", "Potwierdzam zapoznanie się"),
    "zatrudniony_w": ("Zatrudniona w", "Zatrudniony w", "Miejsce zatrudnienia"),
}


# the first word of a JST's name decides when it is one of these: "Miasto Wzorowo" is a gmina
# miejska, and yet "reprezentowane"
_NAME_GENDER = {"gmina": "f", "powiat": "m", "miasto": "n", "województwo": "n"}


def jst_words(kind, name=""):
    """{"reprezentowana": …, "zwana": …} in the gender of the noun the JST's name begins with
    (Gmina, Powiat, Miasto), else of its kind."""
    first = (name or "").split(" ", 1)[0].lower()
    gender = _NAME_GENDER.get(first) or JST_GENDER.get(kind, "f")
    index = {"f": 0, "m": 1, "n": 2}[gender]
    return {key: forms[index] for key, forms in _JST_WORDS.items()}


def sex_from_pesel(number):
    """ "K" or "M" from a valid PESEL (10th digit odd: male), "" otherwise."""
    try:
        return "M" if _pesel.get_gender(number) == "M" else "K"
    except Exception:  # not a valid PESEL: the sex stays unknown  # noqa: BLE001
        return ""


def person_words(sex):
    """Words that agree with the person's sex ("K"/"M"), and `known`. With the sex unknown the
    phrases take a construction without gender ("pracuję", "mam świadomość") and the single
    words both forms joined by "lub" — never a slash form on paper."""
    if sex in ("K", "M"):
        index = 0 if sex == "K" else 1
        words = {key: forms[index] for key, forms in _PERSON_WORDS.items()}
        phrases = {key: forms[index] for key, forms in _PERSON_PHRASES.items()}
        return {**words, **phrases, "known": True}
    words = {key: f"{female} lub {male}" for key, (female, male) in _PERSON_WORDS.items()}
    phrases = {key: forms[2] for key, forms in _PERSON_PHRASES.items()}
    return {**words, **phrases, "known": False}


# the office that employs a JST's staff, in the locative, by the JST's kind: "zatrudniona
# w Urzędzie Gminy Leśna"; a powiat's seat is not derivable from its name (the coordinator
# completes "Starostwie Powiatowym w Bolesławcu" on the JST's form)
_OFFICES = {
    "gmina_wiejska": "Urzędzie Gminy",
    "gmina_miejsko_wiejska": "Urzędzie Miasta i Gminy",
    "gmina_miejska": "Urzędzie Miasta",
    "miasto_na_prawach_powiatu": "Urzędzie Miasta",
    "powiat": "Starostwie Powiatowym",
    "wojewodztwo": "Urzędzie Marszałkowskim",
}


def suggest_office(kind, name):
    """The JST's office in the locative, without "w" (a suggestion the coordinator corrects):
    "Urzędzie Gminy Leśna", "Urzędzie Miasta Zielone", "Starostwie Powiatowym",
    "Urzędzie Marszałkowskim Województwa Dolnośląskiego"."""
    words = (name or "").split()
    first = words[0].lower() if words else ""
    if first == "województwo" or kind == "wojewodztwo":
        return f"{_OFFICES['wojewodztwo']} {suggest_cases(name)[0]}".strip()
    office = _OFFICES.get(kind, "Urzędzie Gminy")
    if kind == "powiat" or first == "powiat":
        return _OFFICES["powiat"]
    own = " ".join(words[1:]) if first in ("gmina", "miasto") else " ".join(words)
    return f"{office} {own}".strip()


# the first word of a JST's name (its kind) → (genitive, locative)
_NOUNS = {
    "gmina": ("Gminy", "Gminie"),
    "powiat": ("Powiatu", "Powiecie"),
    "miasto": ("Miasta", "Mieście"),
}


def _adjective(word, case):
    """An adjective of a proper name in the genitive (case 0) or the locative (case 1):
    Testowy → Testowego/Testowym, Próbna → Próbnej, Gdański → Gdańskiego/Gdańskim, Stołeczne →
    Stołecznego/Stołecznym; a noun (Przykładowo, Pszczyna, Warszawa) is left as it is."""
    lower = word.lower()
    if re.search(r"(ow|sk|ck|[^aeiouyąęó]n)a$", lower):
        return word[:-1] + ("iej" if lower.endswith(("ska", "cka")) else "ej")
    if re.search(r"(ow|sk|ck|n)i$", lower):  # Gdański
        return word + ("ego" if case == 0 else "m")
    if re.search(r"(ow|sk|ck|n)y$", lower):  # Testowy
        return word[:-1] + ("ego" if case == 0 else "ym")
    if re.search(r"(ow|sk|ck|n)(e|ie)$", lower):
        return word[:-1] + ("ego" if case == 0 else "m" if lower.endswith("ie") else "ym")
    return word


def suggest_cases(name):
    """(genitive, locative without "w") of a JST's name: "Powiat Testowy" → ("Powiatu
    Testowego", "Powiecie Testowym"), "Gmina Przykładowo" → ("Gminy Przykładowo", "Gminie
    Przykładowo"). A suggestion: a name the rules do not know is returned as it is."""
    words = (name or "").split()
    if not words or words[0].lower() not in _NOUNS:
        return name or "", name or ""
    result = []
    for case in (0, 1):
        head = _NOUNS[words[0].lower()][case]
        rest = [_adjective(w, case) if w[:1].isupper() else w for w in words[1:]]
        result.append(" ".join([head, *rest]))
    return result[0], result[1]


def locative_phrase(locative):
    """ "w Powiecie Testowym", "we Wrocławiu" (w before w-/f- + consonant takes the vowel)."""
    text = (locative or "").strip()
    if not text:
        return ""
    lower = text.lower()
    if len(lower) > 1 and lower[0] in "wf" and lower[1] not in "aeiouyąęó":
        return f"we {text}"
    return f"w {text}"


def _counted(count, one, few, many, fraction):
    """ "13,5 godziny": a number (a half shown with a comma) and its word (lib.plural)."""
    if count != int(count):
        return f"{count:.1f}".replace(".", ",") + f" {fraction}"
    n = int(count)
    return f"{n} {plural_pl(n, one, few, many)}"


def hours_pl(count):
    """ "1 godzina", "2 godziny", "5 godzin", "13,5 godziny"."""
    return _counted(count, "godzina", "godziny", "godzin", "godziny")


TEACHING_HOUR = 45  # minutes


def teaching_hours_pl(minutes):
    """Minutes of sessions as teaching hours of 45 minutes, rounded to a half: "21 godzin
    dydaktycznych", "4,5 godziny dydaktycznej"."""
    return _counted(
        round(minutes / TEACHING_HOUR * 2) / 2,
        "godzina dydaktyczna",
        "godziny dydaktyczne",
        "godzin dydaktycznych",
        "godziny dydaktycznej",
    )
