"""The coordinator's national view (issue 17): the progress board at /przeglad."""

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

from lib import exports
from models import JST_KINDS, PROGRAM_GROUPS
from services import board, policy, report
from services.lists import int_arg

from . import kept

bp = Blueprint("board", __name__)

NAV = [("board.overview", "Przegląd", "board.view")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope():
    """The JSTs the user's board shows: all for a coordinator, their own for an expert."""
    policy.require(current_user, "board.view")
    return policy.visible_jst_ids(current_user)


@bp.get("/przeglad")
@login_required
def overview():
    scope = _scope()
    filters = board.parse_filters(request.args)
    body = kept.body(
        "przeglad",
        (scope, filters),
        "board/_overview.html",
        lambda: dict(
            board=board.board(filters, scope),
            filters=filters,
            statuses=board.PLAN_STATUSES,
            missing=board.MISSING,
            groups=PROGRAM_GROUPS,
            kinds={key: spec[0] for key, spec in JST_KINDS.items()},
            voivodeships=board.VOIVODESHIPS,
            sorts=board.SORTS,
            columns=board.COLUMNS,
        ),
    )
    return render_template("board/overview.html", body=body)


@bp.get("/przeglad.<any(csv, xlsx):fmt>")
@login_required
def export(fmt):
    scope = _scope()
    filters = board.parse_filters(request.args)
    lines = board.export_rows(board.filtered_rows(filters, scope))
    if fmt == "csv":
        data, mimetype = exports.csv_text(lines, inert=True), "text/csv"
    else:
        data, mimetype = exports.xlsx_bytes("Przegląd JST", lines), XLSX
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="przeglad-jst.{fmt}"'},
    )


def _report_group():
    policy.require(current_user, "report.view")
    return int_arg(request.args.get("grupa"), PROGRAM_GROUPS)


@bp.get("/raport")
@login_required
def programme_report():
    group = _report_group()
    body = kept.body(
        "raport",
        group,
        "board/_report.html",
        lambda: dict(tables=report.build(group), group=group, hidden=report.HIDDEN),
    )
    return render_template("board/report.html", body=body, group=group, groups=PROGRAM_GROUPS)


@bp.get("/raport.xlsx")
@login_required
def programme_report_xlsx():
    group = _report_group()
    name = "raport-programu" + (f"-grupa-{group}" if group else "")
    return Response(
        report.xlsx(report.build(group)),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
