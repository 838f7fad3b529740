from datetime import date

from models.programme import Attachment, Module, Task, TaskReport
from services import programme

from . import POST_OK, Case, global_, jst_scoped
from .documents import PDF_OK

COORDINATOR = global_({"coordinator"})
PROGRAMME = global_({"participant", "expert", "coordinator"})
PNG = b"\x89PNG\r\n\x1a\nfake"


def setup(world):
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    task = Task.create(module=module, title="Zadanie")
    report = TaskReport.create(task=task, jst=world.jst, text="Sprawozdanie")
    attachment = Attachment.create(
        report=report, filename="a.png", content_type="image/png", size=len(PNG), data=PNG
    )
    programme.save_groups({world.jst.id: 1, world.other_jst.id: 2})
    return {"module": module.id, "task": task.id, "attachment": attachment.id}


CASES = [
    Case("programme.module_list", "/moduly", PROGRAMME),
    Case("programme.module_edit", "/moduly/nowy", COORDINATOR),
    Case("programme.module_edit", "/moduly/{module}", COORDINATOR),
    Case(
        "programme.module_edit",
        "/moduly/{module}",
        global_({"coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case(
        "programme.session_add",
        "/moduly/{module}/zajecia",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case(
        "programme.session_delete",
        "/moduly/{module}/zajecia/999/usun",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case(
        "programme.module_delete",
        "/moduly/{module}/usun",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case(
        "programme.task_save",
        "/moduly/{module}/zadanie",
        global_({"coordinator"}, ok=302),
        method="POST",
    ),
    Case("programme.groups", "/grupy", COORDINATOR),
    Case("programme.attendance", "/moduly/{module}/obecnosc/1", COORDINATOR),
    Case("programme.attendance_list", "/moduly/{module}/obecnosc/1.docx", COORDINATOR),
    Case(
        "programme.attendance_list_pdf",
        "/moduly/{module}/obecnosc/1.pdf",
        global_({"coordinator"}, ok=PDF_OK),
    ),
    Case("programme.attendance_rates", "/obecnosc", COORDINATOR),
    Case("programme.task_list", "/zadania", PROGRAMME),
    Case(
        "programme.report",
        "/jst/{jst}/zadania/{task}",
        jst_scoped({"coordinator", "expert", "team"}),
    ),
    Case(
        "programme.report",
        "/jst/{jst}/zadania/{task}",
        jst_scoped({"team"}, ok=POST_OK),
        method="POST",
    ),
    Case(
        "programme.report_decide",
        "/jst/{jst}/zadania/{task}/decyzja",
        jst_scoped({"expert"}, ok=302),
        method="POST",
    ),
    Case(
        "programme.attachment_add",
        "/jst/{jst}/zadania/{task}/zalaczniki",
        jst_scoped({"team"}, ok=302),
        method="POST",
    ),
    Case(
        "programme.attachment",
        "/jst/{jst}/zalaczniki/{attachment}",
        jst_scoped({"coordinator", "expert", "team"}),
    ),
    Case("programme.task_print", "/zadania/{task}/druk", COORDINATOR),
    Case("programme.follow_up", "/po-pilotazu", COORDINATOR),
    Case(
        "programme.consultation",
        "/jst/{jst}/konsultacja",
        jst_scoped({"coordinator"}, ok=302),
        method="POST",
    ),
    Case(
        "programme.best_plan",
        "/jst/{jst}/najlepszy-plan",
        jst_scoped({"coordinator"}, ok=302),
        method="POST",
    ),
    Case("programme.progress", "/jst/{jst}/postep", jst_scoped({"coordinator", "expert", "team"})),
]

FORMS = [
    ("coordinator", "/moduly/{module}"),
    ("coordinator", "/moduly/nowy"),
    ("participant_own", "/jst/{jst}/zadania/{task}"),
]
