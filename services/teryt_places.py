"""Voivodeships, powiats and gminas of the TERYT register for addresses (a participant's place of
residence): the dependent choices of the participant form and the matching of free-text
addresses typed before. Read once per process from the register file the app ships with
(data/TERC_Urzedowy_2024-01-01.csv)."""

import re
from functools import cache
from pathlib import Path

from lib.identifiers import VOIVODESHIPS
from lib.text import fold

from . import teryt_register

REGISTER = Path(__file__).resolve().parent.parent / "data" / "TERC_Urzedowy_2024-01-01.csv"
# the register's NAZWA of a city with powiat rights is its gmina's name; kind → label in lists
_GMINA_LABELS = {
    "gmina_miejska": "gmina miejska",
    "gmina_wiejska": "gmina wiejska",
    "gmina_miejsko_wiejska": "gmina miejsko-wiejska",
    "miasto_na_prawach_powiatu": "miasto na prawach powiatu",
}
# the EU register's area by the gmina's kind; a gmina miejsko-wiejska has both
AREA_BY_KIND = {
    "gmina_miejska": "miejski",
    "miasto_na_prawach_powiatu": "miejski",
    "gmina_wiejska": "wiejski",
}


@cache
def _places():
    """(powiats by voivodeship code: [(code4, name)], gminas by powiat code: [(code7, name,
    kind)]) in the register's order."""
    text = REGISTER.read_bytes()
    units, _skipped, _stand = teryt_register.read(text)
    names = {}
    for line in text.decode("utf-8-sig").splitlines()[1:]:
        woj, pow_, gmi, rodz, name = (line.split(";") + [""] * 5)[:5]
        names[woj + pow_ + gmi + rodz] = name
    powiats, gminas = {}, {}
    for unit in units:
        code = unit["teryt"]
        if unit["kind"] == "powiat":
            powiats.setdefault(code[:2], []).append((code, names[code]))
        elif len(code) == 7:
            if unit["kind"] == "miasto_na_prawach_powiatu":
                powiats.setdefault(code[:2], []).append((code[:4], names[code]))
            gminas.setdefault(code[:4], []).append((code, names[code], unit["kind"]))
    return powiats, gminas


def _voivodeship_code(name):
    return next((code for code, v in VOIVODESHIPS.items() if v == name), None)


def powiat_choices(voivodeship):
    """[(powiat name, label)] of a voivodeship (its name as stored: "dolnośląskie")."""
    code = _voivodeship_code(voivodeship)
    return [(name, name) for _c, name in _places()[0].get(code, [])]


def gmina_choices(voivodeship, powiat):
    """[(gmina's TERYT code, "Bolesławiec (gmina miejska)")] of a powiat named `powiat`."""
    code = _powiat_code(voivodeship, powiat)
    return [
        (teryt, f"{name} ({_GMINA_LABELS[kind]})")
        for teryt, name, kind in _places()[1].get(code, [])
    ]


def _powiat_code(voivodeship, powiat):
    code = _voivodeship_code(voivodeship)
    return next((c for c, name in _places()[0].get(code, []) if name == powiat), None)


def gmina(teryt):
    """(voivodeship, powiat, gmina name, kind) of a gmina's code, or None."""
    for code, name, kind in _places()[1].get((teryt or "")[:4], []):
        if code == teryt:
            powiat = next(n for c, n in _places()[0][teryt[:2]] if c == teryt[:4])
            return VOIVODESHIPS[teryt[:2]], powiat, name, kind
    return None


_PREFIXES = r"^(powiat|pow\.|gmina|gm\.|miasto|m\.|m\. st\.|miasto stołeczne)\s+"


def _key(text):
    return fold(re.sub(_PREFIXES, "", " ".join((text or "").split()), flags=re.IGNORECASE))


def match(voivodeship, powiat, gmina_name):
    """The gmina's TERYT code for an address typed as free text, when the register has exactly
    one gmina of that name in that powiat (or, for an unknown powiat, in that voivodeship);
    None otherwise (ambiguous, as Bolesławiec miejska and wiejska, or not found)."""
    code = next((c for c, v in VOIVODESHIPS.items() if fold(v) == _key(voivodeship)), None)
    if code is None or not gmina_name:
        return None
    powiats, gminas = _places()
    in_powiat = [c for c, name in powiats.get(code, []) if fold(name) == _key(powiat)]
    scope = in_powiat or [c for c, _name in powiats.get(code, [])]
    found = {
        teryt
        for p in scope
        for teryt, name, _kind in gminas.get(p, [])
        if fold(name) == _key(gmina_name)
    }
    return found.pop() if len(found) == 1 else None
