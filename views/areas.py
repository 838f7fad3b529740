"""The coordinator's menu (issue 17): at most seven areas, each a landing page linking its parts.

Participants, experts and administrators keep the short flat menu (views.NAV); a coordinator
gets the areas below. The current area is found from the endpoint of the request.
"""

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from services import policy

bp = Blueprint("areas", __name__)

# key → (label, direct endpoint or None for the landing page, [(endpoint, url args, label,
# description, policy action)])
AREAS = {
    "przeglad": (
        "Przegląd",
        "board.overview",
        [
            (
                "board.overview",
                {},
                "Przegląd postępów JST",
                "Status planu, dokumenty, obecność, zadania, wizyty i zaświadczenia każdej JST.",
                "board.view",
            ),
            (
                "board.programme_report",
                {},
                "Raport programu",
                "Uczestnicy, JST, plany, frekwencja, zadania, zaświadczenia i ankiety.",
                "report.view",
            ),
        ],
    ),
    "jst": (
        "JST i zespoły",
        None,
        [
            ("jst.jst_list", {}, "Lista JST", "Wyszukiwanie, dodawanie i edycja JST.", "jst.list"),
            (
                "teryt.upload",
                {},
                "Import z rejestru TERYT",
                "Cały kraj, województwo lub wybrane JST z pliku TERC (GUS).",
                "jst.import",
            ),
            (
                "jst.jst_import",
                {"kind": "jst"},
                "Import JST z CSV",
                "Wiele JST naraz z pliku.",
                "jst.import",
            ),
            (
                "jst.jst_import",
                {"kind": "members"},
                "Import zespołów z CSV",
                "Członkowie zespołów JST z pliku.",
                "jst.import",
            ),
            (
                "programme.groups",
                {},
                "Grupy robocze",
                "Podział JST na grupy robocze.",
                "programme.manage",
            ),
            ("jst.jst_archive", {}, "Archiwum", "JST wycofane z programu.", "jst.list"),
        ],
    ),
    "plany": (
        "Plany i opiniowanie",
        None,
        [
            (
                "review.worklist",
                {},
                "Opiniowanie planów",
                "Plany przekazane do opiniowania i ich status.",
                "review.worklist",
            ),
            (
                "review.visits",
                {},
                "Wizyty ekspertów",
                "Wizyty ekspertów w JST.",
                "visit.list",
            ),
            (
                "programme.follow_up",
                {},
                "Po pilotażu",
                "Konsultacje po pilotażu i najlepsze plany.",
                "programme.manage",
            ),
            (
                "library.search",
                {},
                "Biblioteka planów",
                "Działania zatwierdzonych planów: wyszukiwanie i filtry.",
                "library.search",
            ),
            (
                "library.opted_out",
                {},
                "JST poza biblioteką",
                "JST, które nie udostępniają planu w bibliotece.",
                "library.manage",
            ),
        ],
    ),
    "program": (
        "Program",
        None,
        [
            (
                "programme.module_list",
                {},
                "Moduły",
                "Terminy i zajęcia modułów.",
                "programme.view",
            ),
            (
                "programme.attendance_rates",
                {},
                "Obecność",
                "Frekwencja uczestników.",
                "programme.manage",
            ),
            (
                "programme.task_list",
                {},
                "Zadania wdrożeniowe",
                "Zadania między modułami i sprawozdania JST.",
                "programme.tasks",
            ),
            ("surveys.survey_list", {}, "Ankiety", "Ankiety i ich wyniki.", "survey.results"),
            (
                "surveys.certificates",
                {},
                "Zaświadczenia",
                "Wystawianie zaświadczeń o ukończeniu.",
                "certificate.manage",
            ),
            (
                "announcements.overview",
                {},
                "Ogłoszenia",
                "Ogłoszenia dla zespołów i ekspertów: treść, załącznik, kto przeczytał.",
                "announcement.manage",
            ),
            (
                "networks.overview",
                {},
                "Sieci tematyczne",
                "Sieci współpracy JST na wybrany temat i sieć monitorująca wdrażanie planów.",
                "network.list",
            ),
        ],
    ),
    "dokumenty": (
        "Dokumenty",
        "documents.overview",
        [
            (
                "documents.overview",
                {},
                "Dokumenty",
                "Deklaracje, plany, oświadczenia, szablony i podpisane kopie.",
                "doc.manage",
            )
        ],
    ),
    "uczestnicy": (
        "Uczestnicy",
        "participants.status",
        [
            (
                "participants.status",
                {},
                "Dane uczestników",
                "Dane do rejestru uczestników projektu.",
                "pii.manage",
            )
        ],
    ),
    "administracja": (
        "Administracja",
        None,
        [
            ("admin.users", {}, "Użytkownicy", "Konta i role.", "users.list"),
            (
                "admin.audit_log",
                {},
                "Dziennik zdarzeń",
                "Kto, co i kiedy zmienił.",
                "audit.view",
            ),
            (
                "jobs.recent",
                {},
                "Zadania w tle",
                "Paczki dokumentów, zaświadczeń i eksporty budowane w tle.",
                "job.manage",
            ),
            (
                "admin.settings_edit",
                {},
                "Ustawienia",
                "Dane ORE i ustawienia programu.",
                "settings.edit",
            ),
        ],
    ),
}

# a blueprint's pages belong to this area unless one of its parts is listed in another area
BLUEPRINT_AREAS = {
    "board": "przeglad",
    "jst": "jst",
    "plans": "plany",
    "review": "plany",
    "programme": "program",
    "surveys": "program",
    "documents": "dokumenty",
    "participants": "uczestnicy",
    "admin": "administracja",
    "jobs": "administracja",
    "announcements": "program",
    "networks": "program",
}
ENDPOINT_AREAS = {endpoint: key for key, (_, _, parts) in AREAS.items() for endpoint, *_ in parts}


def area_of(endpoint, view_args=None):
    if endpoint == "areas.landing":
        return (view_args or {}).get("area")
    if endpoint in ENDPOINT_AREAS:
        return ENDPOINT_AREAS[endpoint]
    return BLUEPRINT_AREAS.get((endpoint or "").split(".")[0])


def _parts(user, key):
    return [part for part in AREAS[key][2] if policy.can(user, part[4])]


@bp.get("/obszar/<any(" + ", ".join(AREAS) + "):area>")
@login_required
def landing(area):
    parts = _parts(current_user, area)
    if not parts:
        abort(403)
    links = [
        (url_for(endpoint, **args), label, description)
        for endpoint, args, label, description, _ in parts
    ]
    return render_template("areas/landing.html", title=AREAS[area][0], links=links)
