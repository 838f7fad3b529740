"""Spreadsheet files as Polish offices open them: CSV in UTF-8 with a BOM and `;`, XLSX with every
cell written as text (a value starting with = + - @ never becomes a formula)."""

import csv
import io

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(rows, inert=False):
    """inert: for text people typed — a cell that a spreadsheet would run as a formula gets a
    leading apostrophe (CSV has no cell types to say "text")."""
    if inert:
        rows = [
            [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row]
            for row in rows
        ]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return "\ufeff" + out.getvalue()


def xlsx_bytes(title, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    write_text(sheet, rows)
    return xlsx_file(book)


def write_text(sheet, rows):
    """Every value a text cell (never a formula, never a number Excel reformats)."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"
            cell.number_format = "@"


def xlsx_file(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
