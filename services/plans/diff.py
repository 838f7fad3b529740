"""Comparing two versions of a plan: texts word by word, the JST profile field by field,
rows matched by their stable uid."""

import difflib
import re

from .steps import STEP_TITLES, STEPS, TEXT_FIELDS, TEXT_LABELS

SECTIONS = [
    # (step, content key, row label key, fields compared)
    ("jst", "team", "name", ("name", "function")),
    ("wizja", "goals", "title", ("title", "operational")),
    (
        "koalicja",
        "partners",
        "institution",
        ("institution", "person", "role", "contribution", "contact"),
    ),
    ("szkoly", "schools", "name", ("name", "kind_label", "rspo", "address", "headteacher")),
    (
        "dzialania",
        "actions",
        "title",
        (
            "title",
            "goal",
            "area_label",
            "schools",
            "partners",
            "responsible",
            "start_month",
            "end_month",
            "cost",
            "funding",
            "expected_result",
            "indicator",
            "target",
            "verification",
        ),
    ),
    ("monitoring", "measurements", "action", ("action", "who", "timing", "how")),
    ("monitoring", "risks", "risk", ("risk", "mitigation")),
]
# the JST profile as a version froze it (content["jst"]), compared field by field
PROFILE_LABELS = [
    ("name", "nazwa JST"),
    ("kind_label", "rodzaj JST"),
    ("group", "grupa programowa"),
    ("teryt", "TERYT"),
    ("nip", "NIP"),
    ("regon", "REGON"),
    ("street", "ulica i numer"),
    ("postal_code", "kod pocztowy"),
    ("city", "miejscowość"),
    ("head_title", "organ wykonawczy"),
    ("head_name", "imię i nazwisko organu wykonawczego"),
    ("signatory1_name", "osoba podpisująca — imię i nazwisko"),
    ("signatory1_function", "osoba podpisująca — funkcja"),
    ("signatory2_name", "druga osoba podpisująca — imię i nazwisko"),
    ("signatory2_function", "druga osoba podpisująca — funkcja"),
    ("countersignatory_name", "kontrasygnata — imię i nazwisko"),
    ("countersignatory_function", "kontrasygnata — funkcja"),
    ("contact_name", "osoba do kontaktu"),
    ("contact_email", "e-mail osoby do kontaktu"),
    ("contact_phone", "telefon osoby do kontaktu"),
]
FIELD_LABELS = {
    "name": "nazwa",
    "function": "stanowisko",
    "title": "tytuł",
    "operational": "cele operacyjne",
    "institution": "instytucja",
    "person": "osoba",
    "role": "rola w koalicji",
    "contribution": "wkład",
    "contact": "kontakt",
    "kind_label": "typ",
    "rspo": "RSPO",
    "address": "adres",
    "headteacher": "dyrektor",
    "goal": "cel operacyjny",
    "area_label": "obszar kompetencji",
    "schools": "szkoły",
    "partners": "partnerzy",
    "responsible": "odpowiedzialny",
    "start_month": "od",
    "end_month": "do",
    "cost": "koszt",
    "funding": "źródło finansowania",
    "expected_result": "oczekiwany rezultat",
    "indicator": "wskaźnik",
    "target": "wartość docelowa",
    "verification": "źródło weryfikacji",
    "action": "działanie",
    "who": "kto mierzy",
    "timing": "kiedy",
    "how": "jak",
    "risk": "ryzyko",
    "mitigation": "zapobieganie",
}


def _as_text(value):
    if isinstance(value, list):
        return "; ".join(v["title"] if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


def word_diff(old, new):
    """[(op, text)] with op in equal/delete/insert, word by word."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                parts.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                parts.append(("insert", "".join(b[j1:j2])))
    return parts


def compare(old, new):
    """What changed from content `old` to `new`: [{step, title, changes: [...]}], each change
    {kind: added|removed|changed, label, fields: [(field label, word diff)]} — texts first, then
    the JST profile, then rows matched by their stable uid."""
    result = {}

    def add(step, change):
        result.setdefault(step, []).append(change)

    for field, label in TEXT_LABELS.items():
        before, after = old["texts"].get(field, ""), new["texts"].get(field, "")
        if before != after:
            step = next(s for s, fields in TEXT_FIELDS.items() if field in dict(fields))
            add(
                step,
                {"kind": "changed", "label": label, "fields": [(label, word_diff(before, after))]},
            )
    before, after = old.get("jst", {}), new.get("jst", {})
    profile = [
        (label, word_diff(_as_text(before.get(f)), _as_text(after.get(f))))
        for f, label in PROFILE_LABELS
        if _as_text(before.get(f)) != _as_text(after.get(f))
    ]
    if profile:
        add("jst", {"kind": "changed", "label": "Dane JST", "fields": profile})
    for step, key, label_key, fields in SECTIONS:
        before = {r.get("uid", r.get("name")): r for r in old.get(key, [])}
        after = {r.get("uid", r.get("name")): r for r in new.get(key, [])}
        for uid, row in after.items():
            if uid not in before:
                add(
                    step,
                    {
                        "kind": "added",
                        "label": _as_text(row[label_key]),
                        "fields": [
                            (FIELD_LABELS[f], [("insert", _as_text(row.get(f)))])
                            for f in fields
                            if _as_text(row.get(f))
                        ],
                    },
                )
                continue
            diffs = [
                (FIELD_LABELS[f], word_diff(_as_text(before[uid].get(f)), _as_text(row.get(f))))
                for f in fields
                if _as_text(before[uid].get(f)) != _as_text(row.get(f))
            ]
            if diffs:
                add(step, {"kind": "changed", "label": _as_text(row[label_key]), "fields": diffs})
        for uid, row in before.items():
            if uid not in after:
                add(step, {"kind": "removed", "label": _as_text(row[label_key]), "fields": []})
    return [
        {"step": step, "title": STEP_TITLES[step], "changes": result[step]}
        for step, _t in STEPS
        if step in result
    ]
