from . import POST_OK, Case, global_, public

CASES = [
    Case("main.healthz", "/healthz", public()),
    Case("observability.scrape", "/metrics", public()),  # by address: the tests' is allowed
    Case("main.readyz", "/readyz", public()),
    Case("main.accessibility", "/deklaracja-dostepnosci", public()),
    Case(
        "main.home", "/", global_({"participant", "expert", "coordinator", "admin"}, ok={200, 302})
    ),
    Case("auth.login", "/login", {**public(302), "anon": frozenset({200})}),
    Case(
        "auth.logout",
        "/logout",
        global_({"participant", "expert", "coordinator", "admin"}, ok=302),
        method="POST",
    ),
    Case("auth.account", "/konto", global_({"participant", "expert", "coordinator", "admin"})),
    Case(
        "auth.session_status",
        "/konto/sesja",
        global_({"participant", "expert", "coordinator", "admin"}),
    ),
    Case(
        "auth.logout_everywhere",
        "/konto/wyloguj-wszedzie",
        global_({"participant", "expert", "coordinator", "admin"}, ok=302),
        method="POST",
    ),
    Case(
        "auth.change_password",
        "/konto/haslo",
        global_({"participant", "expert", "coordinator", "admin"}),
    ),
    Case("auth.set_password", "/haslo/ustaw/nieistniejacy-token", public(404)),
    Case("auth.forgot_password", "/haslo/nie-pamietam", public()),
    Case("admin.users", "/uzytkownicy", global_({"admin", "coordinator"})),
    Case("admin.user_new", "/uzytkownicy/nowy", global_({"admin", "coordinator"})),
    # a participant's account: admins and coordinators manage it
    Case("admin.user_detail", "/uzytkownicy/{participant}", global_({"admin", "coordinator"})),
    Case(
        "admin.user_password_link",
        "/uzytkownicy/{participant}/link-hasla",
        global_({"admin", "coordinator"}, ok=200),
        method="POST",
    ),
    Case(
        "admin.user_toggle_active",
        "/uzytkownicy/{teammate}/aktywnosc",
        global_({"admin", "coordinator"}, ok=302),
        method="POST",
    ),
    Case(
        "admin.user_role",
        "/uzytkownicy/{teammate}/rola",
        global_({"admin"}, ok=POST_OK),
        method="POST",
        data={"role": "participant"},
    ),
    Case("admin.audit_log", "/dziennik", global_({"admin", "coordinator"})),
    Case("admin.settings_edit", "/ustawienia", global_({"coordinator"})),
    # without a file: the coordinator is sent back to the settings with the reason
    Case(
        "admin.settings_logo", "/ustawienia/logo", global_({"coordinator"}, ok=302), method="POST"
    ),
    Case(
        "admin.settings_logo_delete",
        "/ustawienia/logo/usun",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
]

FORMS = [
    ("anon", "/login"),
    ("participant_own", "/konto/haslo"),
    ("admin", "/uzytkownicy/nowy"),
    ("coordinator", "/ustawienia"),
]


def setup(world):
    return {"participant": world.participant.id, "teammate": world.teammate.id}
