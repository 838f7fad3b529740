"""The wizard's steps: their titles, text fields and kinds of rows, and the labels of
the choices they offer."""

from dataclasses import dataclass

from models.plans import Action, Measurement, OperationalGoal, Partner, Risk, School, StrategicGoal

STEPS = [
    ("jst", "JST i zespół"),
    ("diagnoza", "Diagnoza"),
    ("wizja", "Wizja i cele"),
    ("koalicja", "Koalicja"),
    ("szkoly", "Szkoły"),
    ("dzialania", "Działania"),
    ("monitoring", "Monitoring i ewaluacja"),
    ("podsumowanie", "Podsumowanie"),
]
STEP_TITLES = dict(STEPS)
EDITABLE = {"draft", "returned"}
# step → [(field, label)]: the text fields of a step (all required for completeness)
TEXT_FIELDS = {
    "diagnoza": [
        ("education_state", "Stan oświaty: szkoły i przedszkola, uczniowie, wyniki"),
        ("needs_ict", "Potrzeby: kompetencje cyfrowe (TIK)"),
        ("needs_math_science", "Potrzeby: matematyka i nauki przyrodnicze"),
        ("needs_languages", "Potrzeby: języki obce"),
        ("experimental_teaching", "Nauczanie eksperymentalne"),
        ("attitudes", "Postawy: kreatywność, innowacyjność, praca zespołowa"),
        ("individual_work", "Zindywidualizowane podejście do ucznia"),
        ("swot_strengths", "SWOT: mocne strony"),
        ("swot_weaknesses", "SWOT: słabe strony"),
        ("swot_opportunities", "SWOT: szanse"),
        ("swot_threats", "SWOT: zagrożenia"),
    ],
    "wizja": [("vision", "Wizja rozwoju oświaty w JST")],
    "monitoring": [("evaluation", "Harmonogram ewaluacji planu")],
}
TEXT_LABELS = {field: label for fields in TEXT_FIELDS.values() for field, label in fields}

COMPETENCE_AREAS = [
    ("rozumienie", "rozumienie i tworzenie informacji"),
    ("wielojezycznosc", "wielojęzyczność"),
    (
        "matematyczne",
        "kompetencje matematyczne oraz w zakresie nauk przyrodniczych, technologii i inżynierii",
    ),
    ("cyfrowe", "kompetencje cyfrowe"),
    ("osobiste", "kompetencje osobiste, społeczne i w zakresie umiejętności uczenia się"),
    ("obywatelskie", "kompetencje obywatelskie"),
    ("przedsiebiorczosc", "przedsiębiorczość"),
    ("ekspresja", "świadomość i ekspresja kulturalna"),
    ("postawy", "umiejętności uniwersalne i postawy (kreatywność, innowacyjność, praca zespołowa)"),
]
AREA_LABELS = dict(COMPETENCE_AREAS)
SCHOOL_KINDS = [
    ("przedszkole", "przedszkole"),
    ("szkola_podstawowa", "szkoła podstawowa"),
    ("liceum", "liceum ogólnokształcące"),
    ("technikum", "technikum"),
    ("branzowa", "szkoła branżowa"),
    ("inna", "inna placówka"),
]
SCHOOL_KIND_LABELS = dict(SCHOOL_KINDS)


@dataclass(frozen=True)
class RowKind:
    slug: str
    model: type
    step: str
    singular: str  # "cel strategiczny"
    plural: str
    fields: tuple  # the model fields a row form edits (links handled separately)


ROW_KINDS = {
    kind.slug: kind
    for kind in (
        RowKind(
            "cele-strategiczne",
            StrategicGoal,
            "wizja",
            "cel strategiczny",
            "Cele strategiczne",
            ("title",),
        ),
        RowKind(
            "cele-operacyjne",
            OperationalGoal,
            "wizja",
            "cel operacyjny",
            "Cele operacyjne",
            ("strategic_goal", "title"),
        ),
        RowKind(
            "partnerzy",
            Partner,
            "koalicja",
            "partner koalicji",
            "Partnerzy koalicji",
            ("institution", "person", "role", "contribution", "contact"),
        ),
        RowKind(
            "szkoly",
            School,
            "szkoly",
            "szkoła lub przedszkole",
            "Szkoły i przedszkola",
            ("name", "kind", "rspo", "address", "headteacher"),
        ),
        RowKind(
            "dzialania",
            Action,
            "dzialania",
            "działanie",
            "Działania",
            (
                "title",
                "goal",
                "area",
                "responsible",
                "start_month",
                "end_month",
                "cost_grosze",
                "funding",
                "expected_result",
                "indicator",
                "target",
                "verification",
            ),
        ),
        RowKind(
            "pomiary",
            Measurement,
            "monitoring",
            "pomiar wskaźnika",
            "Pomiar wskaźników",
            ("action", "who", "timing", "how"),
        ),
        RowKind(
            "ryzyka",
            Risk,
            "monitoring",
            "ryzyko",
            "Ryzyka i sposoby zapobiegania",
            ("risk", "mitigation"),
        ),
    )
}
STEP_ROW_KINDS = {}
for _kind in ROW_KINDS.values():
    STEP_ROW_KINDS.setdefault(_kind.step, []).append(_kind)
