"""Polish plural forms by CLDR's rules (Babel): 1 uwaga, 2 uwagi, 5 uwag, 22 uwagi, 1,5 uwagi."""

from babel import Locale

_POLISH = Locale.parse("pl")


def plural_pl(n, one, few, many, other=None):
    """The form of the word for n: one (1), few (2–4, 22–24 …), many (0, 5–21 …), other
    (fractions; the genitive singular, which `few` usually is)."""
    form = _POLISH.plural_form(n)
    return {"one": one, "few": few, "many": many}.get(form, other or few)


def count_pl(n, one, few, many):
    """“2 uwagi”: the number with its word."""
    return f"{n} {plural_pl(n, one, few, many)}"
