from . import Case, global_

BOARD = global_({"coordinator", "expert"})

CASES = [
    Case("board.overview", "/przeglad", BOARD),
    Case("board.overview", "/przeglad?status=xx&sort=;drop&strona=99999&grupa=abc", BOARD),
    Case("board.export", "/przeglad.csv", BOARD),
    Case("board.export", "/przeglad.xlsx?brak=deklaracja&sort=-nazwa", BOARD),
]
CASES += [
    Case("board.programme_report", "/raport", global_({"coordinator"})),
    Case("board.programme_report", "/raport?grupa=zle", global_({"coordinator"})),
    Case("board.programme_report_xlsx", "/raport.xlsx?grupa=2", global_({"coordinator"})),
]
