"""Text helpers: cleaning user input, Polish-aware folding, sorting and file-name slugs."""

import re
import unicodedata

# XML 1.0 forbids these; databases refuse NUL. Tab and newline are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_PL = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_ALPHABET = "aąbcćdeęfghijklłmnńoóprqsśtuvwxyzźż"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def clean(value):
    """Drop control characters; normalise line endings."""
    if value is None:
        return None
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def transliterate(value):
    """Polish letters to ASCII explicitly (NFKD alone drops ł), then strip other accents."""
    value = value.translate(_PL)
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def fold(value):
    """Key for search that ignores case and diacritics: "Łódź" → "lodz"."""
    return transliterate(value or "").casefold().strip()


def slugify(value, fallback="dokument"):
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(value or "").lower()).strip("-")
    return slug[:80] or fallback


def polish_sort_key(value):
    """Sort the Polish way: Ł after L, Ś after S …, case-insensitive."""
    return tuple((_RANK.get(ch, 100 + ord(ch)), ch) for ch in (value or "").lower())


def sort_key(value, limit=200):
    """polish_sort_key as a string of 3-digit ranks, so the database sorts it the same way under
    any collation (digits compare alike in C, ICU and glibc locales)."""
    ranks = []
    for ch in (value or "").lower()[:limit]:
        if ch in _RANK:
            ranks.append(40 + _RANK[ch])
        elif ch.isdigit():
            ranks.append(20 + int(ch))
        elif ch.isspace():
            ranks.append(10)
        else:
            ranks.append(100 + ord(ch) % 900)
    return "".join(f"{rank:03d}" for rank in ranks)
