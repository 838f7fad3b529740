"""Blueprints, error pages, security headers and template helpers."""

import re

from babel.numbers import format_decimal
from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.exceptions import SecurityError
from werkzeug.routing import IntegerConverter

from lib import crypto, formatting, plural, polish_input
from models import DB_INT_MAX
from services import policy
from services import review as review_service

from . import (
    admin,
    announcements,
    areas,
    auth,
    board,
    calendar,
    chrome,
    documents,
    jobs,
    jst,
    library,
    main,
    mentor,
    networks,
    participants,
    plans,
    preferences,
    programme,
    review,
    suggestions,
    surveys,
    teryt,
)
from .chrome import PageTemplate, template_url_for
from .chrome import menu as chrome_menu
from .chrome import urls as chrome_urls
from .hardening import UploadNotStored, error_page, untrusted_host
from .observability import register_observability

AREAS = (
    auth,
    main,
    areas,
    board,
    jst,
    teryt,
    plans,
    participants,
    documents,
    review,
    suggestions,
    programme,
    surveys,
    jobs,
    calendar,
    mentor,
    networks,
    announcements,
    preferences,
    library,
    admin,
)
BLUEPRINTS = tuple(area.bp for area in AREAS)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# (endpoint, label, policy action or None): the main navigation, shown per role
NAV = (
    [("main.home", "Start", None)]
    + [entry for area in AREAS if area is not admin for entry in getattr(area, "NAV", [])]
    + [
        ("admin.users", "Użytkownicy", "users.list"),
        ("admin.audit_log", "Dziennik zdarzeń", "audit.view"),
        ("admin.settings_edit", "Ustawienia", "settings.edit"),
    ]
)

DRAIN_LIMIT = 64 * 1024 * 1024  # bytes of an oversized upload read and dropped (see _too_large)

ERRORS = {
    400: ("Nieprawidłowe żądanie", "Serwer nie mógł przetworzyć tego żądania."),
    403: ("Brak uprawnień", "Brak uprawnień do tej strony lub czynności."),
    404: ("Nie znaleziono", "Nie ma takiej strony albo brak do niej dostępu."),
    405: ("Niedozwolona metoda", "Ta strona nie obsługuje takiego żądania."),
    413: ("Za duży plik", "Przesłany plik lub formularz jest za duży."),
    500: ("Błąd serwera", "Wystąpił nieoczekiwany błąd. Proszę spróbować ponownie za chwilę."),
}


class BoundedIntConverter(IntegerConverter):
    """`<int:…>`, with a number beyond 64 bits a 404 on every route: no id is that large, and
    SQLite's driver would raise OverflowError for it."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def register(app):
    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    chrome.NAV = NAV
    register_observability(app)  # first: its request hooks time everything after them
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)

    for code in ERRORS:
        app.register_error_handler(code, _too_large if code == 413 else _error_page(code))
    app.register_error_handler(policy.NotFound, _error_page(404))
    app.register_error_handler(policy.Forbidden, _error_page(403))
    app.register_error_handler(UploadNotStored, _upload_not_stored)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(crypto.KeysUnavailable, _personal_data_unavailable)

    app.after_request(_security_headers)
    app.context_processor(_template_context)
    # template helpers are jinja globals, set once, not context processors called on every
    # render (issue 21; the areas' own helpers likewise: bp.add_app_template_global)
    app.jinja_env.globals.update(
        policy=policy,
        chrome_menu=chrome_menu,
        unread_notifications=review_service.unread_count,
        url_for=template_url_for,
    )
    app.jinja_env.template_class = PageTemplate
    # every template stays compiled, in a plain dict: the set is fixed (some 130), and jinja's
    # default LRU cache scans its whole queue on each lookup — three a page (page, layout, macros)
    app.jinja_env.cache = {}
    app.add_template_filter(formatting.date_pl, "date_pl")
    app.add_template_filter(formatting.datetime_pl, "datetime_pl")
    app.add_template_filter(formatting.money_pl, "money_pl")
    app.add_template_filter(plural.plural_pl, "plural_pl")
    app.add_template_filter(plural.count_pl, "count_pl")
    app.add_template_filter(_linkify, "linkify")
    app.add_template_filter(_kilobytes_pl, "kilobytes_pl")
    # a period shown as it is typed: “09.2017”, not the stored “2017-09”
    app.add_template_filter(polish_input.month_input, "month_pl")


def _kilobytes_pl(size):
    """A file size as Polish readers write it: “351,8 kB” (Babel's decimal comma)."""
    return f"{format_decimal(size / 1024, '#,##0.0', locale='pl_PL')}\u00a0kB"


def _error_page(code):
    title, message = ERRORS[code]

    def handler(exc):
        return error_page(code, title, message, exc)

    return handler


def _too_large(exc):
    """The Polish page for an upload over MAX_CONTENT_LENGTH. Werkzeug refused the body unread
    while the client is still sending it: read it (up to a bound) and drop it, or the server
    closes the connection with data unread, it is reset, and the browser shows a network error
    instead of this page."""
    left = request.content_length or 0
    if request.max_content_length and request.max_content_length < left <= DRAIN_LIMIT:
        stream = request.environ["wsgi.input"]
        while left > 0 and (chunk := stream.read(min(left, 65536))):
            left -= len(chunk)
    return _error_page(413)(exc)


def _upload_not_stored(exc):
    """A full temporary directory: the Polish page (503), the rest of the body read and dropped
    as for an oversized upload (see _too_large)."""
    stream, read = request.stream, 0  # the bounded stream the form parser stopped reading
    while read < DRAIN_LIMIT and (chunk := stream.read(65536)):
        read += len(chunk)
    return error_page(503, "Nie udało się zapisać pliku", exc.description, exc)


def _personal_data_unavailable(exc):
    """Stored personal data does not decrypt (wrong PII_KEYS on this server): the operator's
    reason in the log, a Polish 503 for the user instead of a bare 500."""
    current_app.logger.error("Personal data unavailable on %s: %s", request.path, exc)
    message = (
        "Nie można teraz odczytać zaszyfrowanych danych osobowych. Nic nie zostało utracone "
        "ani zmienione — proszę spróbować ponownie później, a jeśli to się powtarza, powiadomić "
        "administratora systemu."
    )
    page = render_template(
        "errors/error.html", code=503, title="Dane osobowe są chwilowo niedostępne", message=message
    )
    return page, 503


def _csrf_error(exc):
    rescued = plans.rescue_input()  # the wizard keeps what was typed
    if rescued is not None:
        return rescued
    return (
        render_template(
            "errors/error.html",
            code=400,
            title="Formularz wygasł",
            message="Formularz był otwarty zbyt długo albo strona została wysłana ponownie. "
            "Proszę wrócić, odświeżyć stronę i wysłać formularz jeszcze raz.",
        ),
        400,
    )


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


def _security_headers(response):
    headers = response.headers
    headers.extend(SECURITY_HEADERS)  # added, not set one by one: nothing else sets them
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS only: browsers keep to it
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if "Content-Disposition" in headers:
        # a download (documents, exports, attachments: personal data) is kept in no cache;
        # send_file's own "no-cache" would let the browser store it
        headers["Cache-Control"] = "no-store"
    elif "Cache-Control" not in headers and _signed_in():
        headers.add("Cache-Control", "no-store")
    return response


def _signed_in():
    try:
        user = current_user._get_current_object()
        return user is not None and user.is_authenticated
    except Exception:  # the user could not be loaded (the database failed): the page is private
        return True


def _template_context():
    """What a template reads that depends on the request or the configuration. The helpers
    that do not are jinja globals (see register): a context processor runs on every render."""
    config = current_app.config
    return {
        "chrome": chrome_urls(),  # issue 21: the chrome's links and menus built once per process
        "session_idle_seconds": config["SESSION_IDLE_MINUTES"] * 60,
        "session_warning_seconds": config["SESSION_WARNING_MINUTES"] * 60,
        "session_expired": getattr(session, "expired", False),
    }


_URL = re.compile(r"https?://[^\s<>\"']+")


def _linkify(text):
    """Plain text with its links clickable, nothing else rendered."""
    escaped = str(escape(text or ""))
    return Markup(
        _URL.sub(
            lambda m: f'<a href="{m.group(0)}" rel="noopener nofollow">{m.group(0)}</a>', escaped
        )
    )
