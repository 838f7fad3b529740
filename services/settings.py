"""Programme settings: defaults here, coordinator's values in the Setting table."""

import base64
import hashlib
import io
import warnings

import PIL.Image

from lib import memos
from models import Setting, utcnow, write_tx

# key → (label, default, long text?)
FIELDS = {
    "programme_name": (
        "Nazwa programu",
        "Pilotaż wspierania JST w podnoszeniu jakości usług oświatowych",
        False,
    ),
    "ore_name": ("Nazwa ORE", "Ośrodek Rozwoju Edukacji", False),
    "ore_address": ("Adres ORE", "ul. Polna 46a, 00-644 Warszawa", False),
    "ore_nip": ("NIP ORE", "", False),
    "ore_regon": ("REGON ORE", "", False),
    "ore_representative": ("Przedstawiciel ORE (imię i nazwisko)", "Jan Przykładowy", False),
    "ore_representative_function": ("Funkcja przedstawiciela ORE", "Dyrektor", False),
    "ore_contact": ("Osoba do kontaktu w ORE (imię, e-mail, telefon)", "", False),
    "document_footer": (
        "Stopka dokumentów (współfinansowanie UE)",
        "Projekt współfinansowany ze środków Unii Europejskiej w ramach Europejskiego Funduszu "
        "Społecznego, Program Operacyjny Wiedza Edukacja Rozwój 2014–2020, działanie 2.10 "
        "„Wysoka jakość systemu oświaty”.",
        True,
    ),
    "data_protection_clause": (
        "Klauzula informacyjna (RODO; kontakt z inspektorem ochrony danych i okres "
        "przechowywania dokumenty biorą z osobnych ustawień)",
        "Administratorem danych osobowych uczestników programu jest Ośrodek Rozwoju Edukacji "
        "w Warszawie, ul. Polna 46a, 00-644 Warszawa. Dane są przetwarzane wyłącznie w celu "
        "realizacji, rozliczenia, monitorowania, ewaluacji i kontroli projektu, na podstawie "
        "art. 6 ust. 1 lit. c RODO. Odbiorcami danych mogą być instytucje zarządzające programem "
        "i podmioty przez nie upoważnione. Osobie, której dane dotyczą, przysługuje prawo "
        "dostępu do nich, ich sprostowania, ograniczenia przetwarzania oraz wniesienia skargi do "
        "Prezesa UODO. Podanie danych jest warunkiem udziału w projekcie.",
        True,
    ),
    "ore_name_genitive": (
        "Nazwa ORE w dopełniaczu (np. „Dyrektor Ośrodka Rozwoju Edukacji”)",
        "Ośrodka Rozwoju Edukacji",
        False,
    ),
    "ore_place": (
        "Miejsce zawarcia porozumienia (np. „w Warszawie”)",
        "w Warszawie",
        False,
    ),
    # one address for both documents (the agreement's § 5 and the participant's clause)
    "ore_dpo_contact": (
        "Kontakt z inspektorem ochrony danych ORE (porozumienie i klauzula uczestnika)",
        "iod@ore.edu.pl",
        False,
    ),
    "project_title": (
        "Tytuł projektu",
        "Wspieranie JST w podnoszeniu jakości usług oświatowych oraz wspomagania szkół",
        False,
    ),
    # empty: the documents print a line to write it in by hand
    "project_number": ("Numer projektu (np. POWR.02.10.00-00-0000/17)", "", False),
    "project_measure": (
        "Oś priorytetowa i działanie programu",
        "Oś priorytetowa II „Efektywne polityki publiczne dla rynku pracy, gospodarki i "
        "edukacji”, Działanie 2.10 „Wysoka jakość systemu oświaty”, Program Operacyjny Wiedza "
        "Edukacja Rozwój 2014–2020",
        True,
    ),
    "managing_authority": (
        "Instytucja Zarządzająca PO WER — administrator danych w SL2014 (do sprawdzenia)",
        "minister właściwy do spraw rozwoju regionalnego, pełniący funkcję Instytucji "
        "Zarządzającej Programem Operacyjnym Wiedza Edukacja Rozwój 2014–2020, ul. Wspólna 2/4, "
        "00-926 Warszawa",
        True,
    ),
    "managing_authority_dpo": (
        "Kontakt z inspektorem ochrony danych Instytucji Zarządzającej (do sprawdzenia)",
        "iod@miir.gov.pl",
        False,
    ),
    "legal_acts": (
        "Akty prawne, na których opiera się przetwarzanie danych uczestników (w narzędniku: "
        "„w związku z rozporządzeniem …, ustawą …”)",
        "rozporządzeniem Parlamentu Europejskiego i Rady (UE) nr 1303/2013 z dnia 17 grudnia "
        "2013 r. (przepisy ogólne dotyczące funduszy UE), rozporządzeniem Parlamentu "
        "Europejskiego i Rady (UE) nr 1304/2013 z dnia 17 grudnia 2013 r. w sprawie "
        "Europejskiego Funduszu Społecznego oraz ustawą z dnia 11 lipca 2014 r. o zasadach "
        "realizacji programów w zakresie polityki spójności finansowanych w perspektywie "
        "finansowej 2014–2020",
        True,
    ),
    # the regulation in force since 11 October 2023 (it replaced that of 19 March 2019, which had
    # replaced the 2012 one, Dz. U. z 2014 r. poz. 622 as consolidated). Checked on 7 December
    # 2026: its § 1 pkt 4 gives templates (załączniki 1–5) for the courses of art. 117 ust. 1a
    # pkt 1–4a of Prawo oświatowe and, for a course under pkt 5 — the form the programme's
    # training takes —, only what its certificate holds, listed in § 23 ust. 4; so no template
    # is cited, the paragraph is
    "certificate_legal_basis": (
        "Podstawa prawna zaświadczenia",
        "Zaświadczenie wydano na podstawie § 23 ust. 4 rozporządzenia Ministra Edukacji i Nauki "
        "z dnia 6 października 2023 r. w sprawie kształcenia ustawicznego w formach "
        "pozaszkolnych (Dz. U. z 2023 r. poz. 2175).",
        True,
    ),
    "programme_start": ("Data rozpoczęcia programu (DD.MM.RRRR)", "2017-04-05", False),
    "programme_end": ("Data zakończenia programu (DD.MM.RRRR)", "2017-11-17", False),
    "programme_plan_deadline": (
        "Termin przekazania planów do opiniowania (DD.MM.RRRR, puste – bez terminu)",
        "",
        False,
    ),
    # reminders (services/reminders.py): a number of days, empty = the reminder is off
    "reminder_task_days": (
        "Przypomnienie o zadaniu wdrożeniowym: ile dni przed terminem (puste – wyłączone)",
        "3",
        False,
    ),
    "reminder_survey_days": (
        "Przypomnienie o ankiecie: ile dni przed jej zamknięciem (puste – wyłączone)",
        "2",
        False,
    ),
    "reminder_plan_days": (
        "Przypomnienie o planie w wersji roboczej: ile dni przed terminem przekazania "
        "(puste – wyłączone)",
        "7",
        False,
    ),
    "reminder_return_days": (
        "Przypomnienie o planie zwróconym do poprawy: po ilu dniach bez odpowiedzi zespołu "
        "(puste – wyłączone)",
        "7",
        False,
    ),
    "reminder_documents_days": (
        "Przypomnienie o brakującej podpisanej deklaracji współpracy lub oświadczeniu: ile dni "
        "po pierwszym module (puste – wyłączone)",
        "14",
        False,
    ),
    "reminder_expert_days": (
        "Przypomnienie dla eksperta o planie czekającym na opinię: po ilu dniach "
        "(puste – wyłączone)",
        "5",
        False,
    ),
    "retention_until": (
        "Dane osobowe przechowywane do (DD.MM.RRRR)",
        "2030-12-31",
        False,
    ),
}


# the completion rule of the certificates, set with its own form on the certificates page
CERTIFICATE_RULE = {"certificate_min_attendance": "80", "certificate_plan_status": "submitted"}


def _defaults():
    return {**{key: default for key, (_, default, _) in FIELDS.items()}, **CERTIFICATE_RULE}


def get_all():
    values = _defaults()
    rows = Setting.select().where(Setting.key.in_(list(values)))  # not the logo's image
    values.update({s.key: s.value for s in rows})
    return values


def get(key):
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else _defaults()[key]


def save(values):
    """Store the given keys; returns the keys whose value changed."""
    current = get_all()
    changed = [k for k, v in values.items() if k in current and current.get(k) != v]
    with write_tx():
        for key in changed:
            Setting.insert(key=key, value=values[key], updated_at=utcnow()).on_conflict(
                conflict_target=[Setting.key],
                update={Setting.value: values[key], Setting.updated_at: utcnow()},
            ).execute()
    return changed


# ---------- the logo strip printed in every document's header ----------

LOGO_KEY, LOGO_SHA_KEY = "document_logo", "document_logo_sha"
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 6000  # per side: a strip of logos at print resolution, not a photograph
# what prints: 14 mm high, at most the text's 180 mm wide, at 600 dpi — more pixels only slow
# LibreOffice down (a 6000 × 6000 logo made every PDF take over 20 s: second audit)
LOGO_PRINT_PIXELS = (4252, 331)
# sha → bytes: a batch of 2,200 documents shares one copy
_LOGO_CACHE = memos.memo("settings.logo", 1, by_content=True)


class LogoRefused(Exception):
    """The uploaded logo cannot be used; the message (Polish) says why."""


def check_logo(data):
    """(width, height) in pixels of a PNG or JPEG logo strip; LogoRefused otherwise."""
    from docx.image.image import Image  # noqa: PLC0415 (python-docx reads the image header)

    if not data:
        raise LogoRefused("Proszę wybrać plik z logo (PNG albo JPEG).")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoRefused(f"Plik jest za duży (najwyżej {LOGO_MAX_BYTES // 1024} KB).")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise LogoRefused("Logo musi być obrazem PNG albo JPEG.")
    try:
        image = Image.from_blob(data)
        width, height = image.px_width, image.px_height
    except Exception as exc:  # a truncated or malformed image header  # noqa: BLE001
        raise LogoRefused("Nie udało się odczytać obrazu — plik jest uszkodzony.") from exc
    if not (0 < width <= LOGO_MAX_PIXELS and 0 < height <= LOGO_MAX_PIXELS):
        raise LogoRefused(f"Obraz może mieć najwyżej {LOGO_MAX_PIXELS} pikseli na bok.")
    return width, height


def printable_logo(data):
    """The logo to store: checked (check_logo), decoded with Pillow's decompression-bomb guard
    and, when it has more pixels than print, scaled down to LOGO_PRINT_PIXELS (kept as PNG or
    JPEG, its proportions kept)."""
    width, height = check_logo(data)
    max_width, max_height = LOGO_PRINT_PIXELS
    if width <= max_width and height <= max_height:
        return data
    with warnings.catch_warnings():
        warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
        try:
            with PIL.Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.thumbnail(LOGO_PRINT_PIXELS, PIL.Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, format=kind, optimize=True)
        except (OSError, ValueError, PIL.Image.DecompressionBombError) as exc:
            raise LogoRefused("Nie udało się odczytać obrazu — plik jest uszkodzony.") from exc
        except PIL.Image.DecompressionBombWarning as exc:
            raise LogoRefused(
                f"Obraz może mieć najwyżej {LOGO_MAX_PIXELS} pikseli na bok."
            ) from exc
    return out.getvalue()


def save_logo(data):
    """Store the logo strip (checked with check_logo first); b"" removes it."""
    with write_tx():
        if not data:
            Setting.delete().where(Setting.key.in_([LOGO_KEY, LOGO_SHA_KEY])).execute()
            return
        sha = hashlib.sha256(data).hexdigest()
        for key, value in ((LOGO_KEY, base64.b64encode(data).decode()), (LOGO_SHA_KEY, sha)):
            Setting.insert(key=key, value=value, updated_at=utcnow()).on_conflict(
                conflict_target=[Setting.key],
                update={Setting.value: value, Setting.updated_at: utcnow()},
            ).execute()


def logo():
    """The logo strip's bytes (b"" when none): the digest is read each time, the image only
    when it changed."""
    sha = Setting.get_or_none(Setting.key == LOGO_SHA_KEY)
    if sha is None:
        return b""
    if sha.value not in _LOGO_CACHE:
        row = Setting.get_or_none(Setting.key == LOGO_KEY)
        _LOGO_CACHE.clear()
        data = base64.b64decode(row.value) if row else b""
        try:  # a logo stored before it was scaled on upload prints scaled too
            _LOGO_CACHE[sha.value] = printable_logo(data) if data else b""
        except LogoRefused:
            _LOGO_CACHE[sha.value] = b""  # one that can't be read is not printed
    return _LOGO_CACHE[sha.value]
