"""JSTs from GUS's TERYT register (part TERC, the "urzędowy" CSV): read and check the file,
choose what to add (the whole country, a voivodeship, pasted codes), preview what would change,
and add the new JSTs in one transaction. Importing the same file again adds nothing.

A unit is a plain dict (it is kept as JSON between the preview and the confirmation):
{"teryt", "kind", "name" (official), "woj", "line"}.
"""

import csv
import io
import json
import re
from collections import Counter
from datetime import timedelta

from lib import jst_names
from lib.identifiers import VOIVODESHIPS, teryt_error
from lib.text import clean, sort_key
from models import JST_KINDS, Jst, TerytUpload, utcnow, write_tx

from . import audit

MAX_BYTES = 2 * 1024 * 1024  # GUS's whole TERC file is 0.2 MB
HEADER = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA"]
KEPT_FOR = timedelta(days=1)  # an upload nobody confirmed is dropped after this
# RODZ of a gmina row → kind (a gmina miejska in a powiat numbered 61–99 is a city with powiat
# rights) and the NAZWA_DOD the register writes for it
_GMINA_KINDS = {
    "1": ("gmina_miejska", "gmina miejska"),
    "2": ("gmina_wiejska", "gmina wiejska"),
    "3": ("gmina_miejsko_wiejska", "gmina miejsko-wiejska"),
}
# RODZ of a row that is part of a gmina, not a JST → why it is skipped
_PARTS = {
    "4": "miasto w gminie miejsko-wiejskiej — część gminy, nie osobna JST",
    "5": "obszar wiejski gminy miejsko-wiejskiej — część gminy, nie osobna JST",
    "8": "dzielnica miasta — nie JST",
    "9": "delegatura miasta — nie JST",
}
SCOPES = {"kraj": "cały kraj", "wojewodztwo": "jedno województwo", "kody": "wskazane kody TERYT"}


class UnreadableFile(Exception):
    """The file is not a TERC register; the message is what the user sees."""


def read(data):
    """(units, skipped, stand) of the file's bytes; skipped is [[line, code, name, reason]].
    Raises UnreadableFile for a file that is no TERC register in UTF-8."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"Plik jest za duży (najwyżej {MAX_BYTES // 1024 // 1024} MB).")
    if b"\x00" in data:
        raise UnreadableFile("To nie jest plik CSV rejestru TERC.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "Plik nie jest zapisany w kodowaniu UTF-8 (może to Windows-1250 po zapisaniu "
            "w Excelu?). Proszę wczytać plik TERC pobrany z serwisu GUS bez zmian — nic nie "
            "zostało zapisane."
        ) from None
    records = list(csv.reader(io.StringIO(clean(text)), delimiter=";"))
    records = [r for r in records if any(v.strip() for v in r)]
    if not records:
        raise UnreadableFile("Plik jest pusty.")
    header = [h.strip().upper() for h in records[0]]
    if header[:6] != HEADER[:6]:
        raise UnreadableFile(
            "To nie jest plik TERC w układzie „urzędowym” GUS: pierwszy wiersz powinien mieć "
            f"kolumny {';'.join(HEADER)}, a ma: {';'.join(records[0])[:120]}. Nic nie zostało "
            "zapisane."
        )
    units, skipped, cities, seen = [], [], {}, {}
    stand = ""
    for line, values in enumerate(records[1:], start=2):
        values = [v.strip() for v in values] + [""] * 7
        woj, pow_, gmi, rodz, name, extra, stand_na = values[:7]
        stand = stand or stand_na[:10]
        code = woj + pow_ + gmi + rodz
        unit, reason = _classify(woj, pow_, gmi, rodz, name, extra)
        if reason is None and unit is None:  # a city's powiat row: one JST with its gmina
            cities[woj + pow_] = (line, "stołeczne" in extra)
            continue
        if reason is None and code in seen:
            reason = f"powtórzony kod TERYT (jak w wierszu {seen[code]})"
        if reason:
            skipped.append([line, code, name, reason])
            continue
        seen[code] = line
        units.append(unit | {"line": line})
    units = _check_structure(units, cities, skipped)
    if not units:
        raise UnreadableFile("Plik nie zawiera żadnej JST (województwa, powiatu ani gminy).")
    skipped.sort()
    return units, skipped, stand


def _classify(woj, pow_, gmi, rodz, name, extra):
    """(unit, None) for a JST's row, (None, None) for a city's powiat row, (None, reason) for a
    row that is skipped."""
    extra = extra.lower()
    if woj not in VOIVODESHIPS:
        return None, f"nieznany kod województwa „{woj[:4]}”"
    for value, digits, label in ((pow_, 2, "POW"), (gmi, 2, "GMI"), (rodz, 1, "RODZ")):
        if value and not re.fullmatch(f"[0-9]{{{digits}}}", value):
            return None, f"{label} ma {digits} {'cyfry' if digits == 2 else 'cyfrę'} 0–9"
    if not name:
        return None, "brak nazwy"
    if not pow_:
        if gmi or rodz or extra != "województwo":
            return None, "wiersz województwa bez NAZWA_DOD „województwo”"
        kind = "wojewodztwo"
    elif not gmi:
        if rodz:
            return None, "wiersz powiatu z RODZ"
        if extra == "powiat":
            kind = "powiat"
        elif "na prawach powiatu" in extra:
            if 61 <= int(pow_) <= 99:
                return None, None
            return None, "miasto na prawach powiatu ma numer powiatu od 61 do 99"
        else:
            return None, f"nieznany rodzaj jednostki „{extra[:40]}”"
    elif rodz in _PARTS:
        return None, _PARTS[rodz]
    elif rodz in _GMINA_KINDS:
        kind, expected = _GMINA_KINDS[rodz]
        if not extra.startswith(expected):
            return None, f"NAZWA_DOD „{extra[:40]}” nie pasuje do RODZ {rodz} ({expected})"
        if kind == "gmina_miejska" and int(pow_) >= 61:
            kind = "miasto_na_prawach_powiatu"
    else:
        return None, f"nieznany RODZ „{rodz[:4]}”"
    code = woj + pow_ + gmi + rodz
    error = teryt_error(code, kind)
    if error:
        return None, error[:1].lower() + error[1:] if not error[1:2].isupper() else error
    return {"teryt": code, "kind": kind, "register_name": name, "woj": woj}, None


def _check_structure(units, cities, skipped):
    """The units whose code lies in the register's structure: a powiat in a voivodeship of the
    file, a gmina in a powiat (or a city's powiat row) of that voivodeship. Names the units
    officially; a city with powiat rights takes its powiat row's place."""
    voivodeships = {u["teryt"] for u in units if u["kind"] == "wojewodztwo"}
    powiats = {u["teryt"] for u in units if u["kind"] == "powiat"} | set(cities)
    kept = []
    for unit in units:
        code, kind = unit["teryt"], unit["kind"]
        reason = None
        if kind != "wojewodztwo" and code[:2] not in voivodeships:
            reason = f"brak w pliku województwa {code[:2]}, w którym leży ta jednostka"
        elif len(code) == 7 and code[:4] not in powiats:
            reason = f"gmina nie leży w żadnym powiecie pliku (brak powiatu {code[:4]})"
        elif kind == "miasto_na_prawach_powiatu" and code[:4] not in cities:
            reason = f"brak wiersza miasta na prawach powiatu {code[:4]}"
        if reason:
            skipped.append([unit["line"], code, unit["register_name"], reason])
            continue
        warsaw = kind == "miasto_na_prawach_powiatu" and cities[code[:4]][1]
        unit["name"] = jst_names.official_name(kind, unit.pop("register_name"), warsaw)
        kept.append(unit)
    for powiat, (line, _warsaw) in cities.items():
        if any(u["teryt"][:4] == powiat and len(u["teryt"]) == 7 for u in kept):
            reason = "miasto na prawach powiatu — jedna JST z gminą tego miasta"
        else:
            reason = "miasto na prawach powiatu bez wiersza gminy (RODZ 1)"
        skipped.append([line, powiat, "", reason])
    return kept


def store(units, skipped, stand, user, file_name):
    """Keep a read file for the preview and the confirmation; drop uploads nobody confirmed."""
    with write_tx():
        TerytUpload.delete().where(TerytUpload.created_at < utcnow() - KEPT_FOR).execute()
        return TerytUpload.create(
            uploaded_by=user,
            file_name=(file_name or "")[:200],
            stand=stand,
            units=json.dumps(units, ensure_ascii=False),
            skipped=json.dumps(skipped, ensure_ascii=False),
        )


def get_upload(upload_id, user):
    """The user's own upload, or None (another coordinator's uploads are not probeable)."""
    return TerytUpload.get_or_none(
        (TerytUpload.id == upload_id) & (TerytUpload.uploaded_by == user.id)
    )


def parse_codes(text):
    """(codes, bad tokens) of pasted TERYT codes: 2, 4 or 7 digits, separated by spaces,
    new lines, commas or semicolons."""
    tokens = [t for t in re.split(r"[\s,;]+", text or "") if t]
    codes = [t for t in tokens if re.fullmatch(r"[0-9]{2}|[0-9]{4}|[0-9]{7}", t)]
    return list(dict.fromkeys(codes)), [t for t in tokens if t not in codes]


def select(units, scope, voivodeship="", codes=()):
    """(chosen units, [(code, reason)] of codes that name no JST of the register)."""
    if scope == "wojewodztwo":
        return [u for u in units if u["woj"] == voivodeship], []
    if scope != "kody":
        return list(units), []
    by_code = {u["teryt"]: u for u in units}
    # a city with powiat rights is one JST: its powiat code (0261) names its gmina (0261011)
    for unit in units:
        if unit["kind"] == "miasto_na_prawach_powiatu":
            by_code.setdefault(unit["teryt"][:4], unit)
    chosen, unknown = {}, []
    for code in codes:
        unit = by_code.get(code)
        if unit is None:
            unknown.append((code, "nie ma JST o tym kodzie w pliku"))
        else:
            chosen[unit["teryt"]] = unit
    return list(chosen.values()), unknown


def preview(units, chosen):
    """What importing `chosen` (units of the file `units`) would do:
    {"new": [unit], "existing": [(unit, jst, how)], "ambiguous": [(unit, reason)],
     "counts": [(kind label, new, existing)]}. Existing JSTs are matched by TERYT code, else by
    kind + name + voivodeship (the first two digits of their TERYT); a JST without a code is
    matched by kind + name when the file has one such unit only."""
    jsts = list(Jst.select(Jst.id, Jst.name, Jst.name_key, Jst.kind, Jst.teryt, Jst.status))
    by_teryt = {j.teryt: j for j in jsts if j.teryt}
    by_name = {}
    for jst in jsts:
        by_name.setdefault((jst.kind, jst.name_key), []).append(jst)
    in_file = Counter((u["kind"], Jst.key_for(u["name"])) for u in units)
    new, existing, ambiguous = [], [], []
    for unit in chosen:
        key = (unit["kind"], Jst.key_for(unit["name"]))
        jst = by_teryt.get(unit["teryt"])
        if jst is not None:
            existing.append((unit, jst, "kod TERYT"))
            continue
        candidates = by_name.get(key, [])
        same_place = [j for j in candidates if j.teryt and j.teryt[:2] == unit["woj"]]
        without_code = [j for j in candidates if not j.teryt]
        if same_place:
            existing.append((unit, same_place[0], "rodzaj, nazwa i województwo"))
        elif without_code and in_file[key] == 1:
            existing.append((unit, without_code[0], "rodzaj i nazwa (JST bez kodu TERYT)"))
        elif without_code:
            ambiguous.append(
                (
                    unit,
                    f"w projekcie jest „{without_code[0].name}” bez kodu TERYT, a w pliku jest "
                    f"{in_file[key]} takich JST — proszę uzupełnić jej TERYT",
                )
            )
        else:
            new.append(unit)
    counts = [
        (
            label,
            sum(1 for u in new if u["kind"] == kind),
            sum(1 for u, _j, _h in existing if u["kind"] == kind),
        )
        for kind, (label, _g, _t) in JST_KINDS.items()
    ]
    return {"new": new, "existing": existing, "ambiguous": ambiguous, "counts": counts}


def import_units(upload, chosen, groups, actor, address=""):
    """Add the JSTs of `chosen` that do not exist yet, in one transaction; returns how many.
    `groups` maps a kind without a default programme group (a city with powiat rights, a
    voivodeship) to the group the coordinator chose."""
    units = json.loads(upload.units)
    with write_tx():
        new = preview(units, chosen)["new"]  # again inside the transaction: what is there now
        now = utcnow()
        rows = []
        for unit in new:
            kind = unit["kind"]
            rows.append(
                {
                    "name": unit["name"],
                    "name_key": Jst.key_for(unit["name"]),
                    "name_sort": sort_key(unit["name"]),
                    "kind": kind,
                    "program_group": JST_KINDS[kind][1] or groups[kind],
                    "teryt": unit["teryt"],
                    "head_title": JST_KINDS[kind][2],
                    "created_at": now,
                    "updated_at": now,
                    **jst_names.suggest(kind, unit["name"]),
                }
            )
        for start in range(0, len(rows), 200):
            Jst.insert_many(rows[start : start + 200]).execute()
        audit.record(
            "jst_imported",
            actor=actor,
            address=address,
            details=f"{len(rows)} JST z rejestru TERYT (stan na {upload.stand})",
        )
        upload.delete_instance()
    return len(rows)


def upload_units(upload):
    """(units, skipped) of a stored upload."""
    return json.loads(upload.units), json.loads(upload.skipped)


def file_counts(units):
    """[(kind label, how many)] of the file's JSTs."""
    counts = Counter(u["kind"] for u in units)
    return [(label, counts[kind]) for kind, (label, _g, _t) in JST_KINDS.items()]


def skipped_summary(skipped):
    """[(reason, how many, first line numbers)] of the skipped rows, most frequent first."""
    lines = {}
    for line, _code, _name, reason in skipped:
        lines.setdefault(reason, []).append(line)
    return sorted(
        ((reason, len(found), found[:5]) for reason, found in lines.items()),
        key=lambda item: -item[1],
    )
