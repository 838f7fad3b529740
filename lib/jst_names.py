"""A JST's official name from the TERYT register and its name and office in the cases documents
need (genitive, locative, instrumental): suggestions the coordinator corrects on the JST form.
The rules are in README.md ("Nazwy JST w przypadkach"); tests/jst/test_jst_names.py checks them
on real names of every kind."""

import re

# the Jst's fields these suggestions fill, in the order the JST form shows them
CASE_FIELDS = (
    "name_genitive",
    "name_locative",
    "name_instrumental",
    "office_name",
    "office_genitive",
    "office_locative",
    "office_instrumental",
)

# the noun an official name begins with → (genitive, locative, instrumental)
_NOUNS = {
    "gmina": ("Gminy", "Gminie", "Gminą"),
    "miasto": ("Miasta", "Mieście", "Miastem"),
    "powiat": ("Powiatu", "Powiecie", "Powiatem"),
    "województwo": ("Województwa", "Województwie", "Województwem"),
}
# the word after the noun that is an adjective agreeing with it, by kind ("Gmina Miejska
# Bolesławiec", "Miasto Stołeczne Warszawa"); a gmina miejsko-wiejska named "Miejska Górka" has
# none. After Powiat and Województwo every word is an adjective (the register's name).
_AGREEING = {
    "gmina_miejska": {"miejska"},
    "miasto_na_prawach_powiatu": {"stołeczne"},
    None: {"miejska", "stołeczne"},
}
# the one own name that declines after its noun in official use: "Miasta Stołecznego Warszawy"
_DECLINED_OWN = {"Warszawa": ("Warszawy", "Warszawie", "Warszawą")}


def official_name(kind, name, warsaw=False):
    """The official name of a register unit: "Gmina Bolesławiec" (gmina wiejska or
    miejsko-wiejska), "Gmina Miejska Bolesławiec", "Miasto Jelenia Góra" (a city with powiat
    rights; Warsaw: "Miasto Stołeczne Warszawa"), "Powiat Bolesławiecki" (the register's
    adjective capitalised word by word), "Województwo Dolnośląskie" (from "DOLNOŚLĄSKIE")."""
    name = " ".join(name.split())
    if kind == "wojewodztwo":
        return "Województwo " + _capitalised(name.lower())
    if kind == "powiat":
        return "Powiat " + _capitalised(name)
    if kind == "miasto_na_prawach_powiatu":
        return ("Miasto Stołeczne " if warsaw else "Miasto ") + name
    if kind == "gmina_miejska":
        return "Gmina Miejska " + name
    return "Gmina " + name


def _capitalised(text):
    """ "warszawski zachodni" → "Warszawski Zachodni", "kujawsko-pomorskie" →
    "Kujawsko-Pomorskie"."""
    return re.sub(r"(^|[\s-])(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def _adjective(word, case):
    """A masculine or neuter adjective (Bolesławiecki, Dolnośląskie, Warszawski, Stołeczne,
    Zachodni, Grodzki) or a feminine one (Miejska) in the genitive (0), locative (1) or
    instrumental (2). In a hyphenated adjective only the last part declines
    (Kujawsko-Pomorskiego)."""
    head, dash, last = word.rpartition("-")
    prefix = head + dash
    lower = last.lower()
    if lower.endswith("a"):  # feminine: Miejska → Miejskiej, Miejską
        stem = last[:-1]
        soft = lower.endswith(("ka", "ga"))
        return prefix + (stem + ("iej" if soft else "ej") if case < 2 else stem + "ą")
    if lower.endswith(("ki", "gi", "kie", "gie")):  # Bolesławiecki, Dolnośląskie
        stem = last[: -1 if lower.endswith("i") else -2]  # Bolesławieck
        return prefix + stem + ("iego" if case == 0 else "im")
    if lower.endswith("i"):  # Zachodni, Średni: soft stem
        return prefix + last + ("ego" if case == 0 else "m")
    if lower.endswith(("y", "e")):  # Nowy, Stołeczne, Wielkie
        stem = last[:-1]
        if lower.endswith("ie"):
            return prefix + stem + ("go" if case == 0 else "m")
        return prefix + stem + ("ego" if case == 0 else "ym")
    return word


def name_cases(name, kind=None):
    """(genitive, locative, instrumental) of an official name, the locative without "w":
    the noun and the adjective that agrees with it decline, a gmina's or city's own name after
    them stays in the nominative ("Gminy Miejskiej Bolesławiec", "Mieście Jelenia Góra");
    a powiat's and voivodeship's adjectives decline ("Powiatu Bolesławieckiego"). A name that
    does not begin with one of the nouns is returned as it is."""
    words = (name or "").split()
    if not words or words[0].lower() not in _NOUNS:
        return (name or "",) * 3
    noun = words[0].lower()
    all_adjectives = noun in ("powiat", "województwo")
    agreeing = _AGREEING.get(kind, set())
    result = []
    for case in range(3):
        out = [_NOUNS[noun][case]]
        rest = words[1:]
        if all_adjectives:
            out += [_adjective(word, case) for word in rest]
        elif rest and rest[0].lower() in agreeing:
            out.append(_adjective(rest[0], case))
            stołeczne = rest[0].lower() == "stołeczne"
            own = " ".join(rest[1:])
            out.append(_DECLINED_OWN[own][case] if stołeczne and own in _DECLINED_OWN else own)
        else:
            out += rest
        result.append(" ".join(w for w in out if w))
    return tuple(result)


# kind → the office: (nominative, genitive, locative, instrumental) of its head noun, or None
# where the office is named after the JST in the genitive ("Urząd Gminy Bolesławiec")
_OFFICE_PREFIX = {
    "gmina_wiejska": ("Urząd Gminy", "Urzędu Gminy", "Urzędzie Gminy", "Urzędem Gminy"),
    "gmina_miejsko_wiejska": (
        "Urząd Miasta i Gminy",
        "Urzędu Miasta i Gminy",
        "Urzędzie Miasta i Gminy",
        "Urzędem Miasta i Gminy",
    ),
    "gmina_miejska": ("Urząd Miasta", "Urzędu Miasta", "Urzędzie Miasta", "Urzędem Miasta"),
    "miasto_na_prawach_powiatu": (
        "Urząd Miasta",
        "Urzędu Miasta",
        "Urzędzie Miasta",
        "Urzędem Miasta",
    ),
    "powiat": (
        "Starostwo Powiatowe",
        "Starostwa Powiatowego",
        "Starostwie Powiatowym",
        "Starostwem Powiatowym",
    ),
    "wojewodztwo": (
        "Urząd Marszałkowski",
        "Urzędu Marszałkowskiego",
        "Urzędzie Marszałkowskim",
        "Urzędem Marszałkowskim",
    ),
}
_NAMED_BY = {"gmina": "Gminy", "miasto": "Miasta"}


def office_cases(kind, name):
    """(nominative, genitive, locative, instrumental) of the JST's office. A gmina's and a
    city's office carries its own name: "Urząd Gminy Bolesławiec", "Urząd Miasta Jelenia Góra",
    "Urząd Miasta i Gminy Bogatynia" (Warsaw: "Urząd Miasta Stołecznego Warszawy"); a
    voivodeship's the whole genitive ("Urząd Marszałkowski Województwa Dolnośląskiego"). A
    starostwo is named after its seat ("Starostwo Powiatowe w Bolesławcu"), which the register
    does not hold: the suggestion is the bare "Starostwo Powiatowe" and the coordinator adds
    " w …"."""
    prefix = _OFFICE_PREFIX.get(kind)
    if prefix is None:
        return ("",) * 4
    if kind == "powiat":
        return prefix
    genitive = name_cases(name, kind)[0]
    if kind == "wojewodztwo":
        return tuple(f"{p} {genitive}" for p in prefix)
    words = (name or "").split()
    if words and words[0].lower() in _NOUNS:
        words = words[1:]
    if words and words[0].lower() in _AGREEING.get(kind, ()):
        if words[0].lower() == "stołeczne":  # "Urząd Miasta Stołecznego Warszawy"
            return tuple(f"{p} {genitive.split(' ', 1)[1]}" for p in prefix)
        words = words[1:]
    own = " ".join(words) or (name or "")
    return tuple(f"{p} {own}" for p in prefix)


def suggest(kind, name):
    """{field: suggestion} of every case field of the Jst for a JST of `kind` named `name`."""
    genitive, locative, instrumental = name_cases(name, kind)
    office = office_cases(kind, name)
    return {
        "name_genitive": genitive,
        "name_locative": locative,
        "name_instrumental": instrumental,
        "office_name": office[0],
        "office_genitive": office[1],
        "office_locative": office[2],
        "office_instrumental": office[3],
    }
