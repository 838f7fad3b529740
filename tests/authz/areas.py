from . import Case, global_

CASES = [
    Case("areas.landing", "/obszar/przeglad", global_({"coordinator", "expert"})),
    Case("areas.landing", "/obszar/jst", global_({"coordinator"})),
    Case("areas.landing", "/obszar/plany", global_({"coordinator", "expert", "participant"})),
    Case("areas.landing", "/obszar/program", global_({"coordinator", "expert", "participant"})),
    Case("areas.landing", "/obszar/dokumenty", global_({"coordinator"})),
    Case("areas.landing", "/obszar/uczestnicy", global_({"coordinator"})),
    Case("areas.landing", "/obszar/administracja", global_({"coordinator", "admin"})),
]
