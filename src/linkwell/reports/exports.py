"""Exports of published (suppressed) tables: CSV, XLSX (one sheet per table) and a PDF report.

Every export starts from `Table.publish()`, so it carries exactly the figures and the
suppression markers the page shows. Text cells are defused so a spreadsheet never runs them
as formulas.
"""

from __future__ import annotations

import csv
import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from .dashboard import Period
from .tables import Published

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _header(period: Period) -> list[str]:
    area = period.area or _("All areas")
    return [
        _("Period: %(start)s to %(end)s") % {"start": period.start, "end": period.end},
        _("Area: %(area)s") % {"area": area},
    ]


def table_csv(published: Published, period: Period) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(str(published.table.title))])
    writer.writerow(_header(period))
    writer.writerow([_safe(str(c.label)) for c in published.columns])
    for row in published.cells:
        line = []
        for cell in row:
            data = cell.data()
            if data is None:
                line.append("")
            elif isinstance(data, str):
                line.append(_safe(data))
            else:
                line.append(data)
        writer.writerow(line)
    for note in published.table.notes:
        writer.writerow([_safe(str(note))])
    writer.writerow(
        [_("<5: a count from 1 to 4. [c]: hidden so a small count cannot be worked out.")]
    )
    return out.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f"-{n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


def tables_xlsx(published: list[Published], period: Period) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for item in published:
        sheet = book.create_sheet(_sheet_name(item.table.name, used))
        sheet.append([_safe(str(item.table.title))])
        sheet["A1"].font = Font(bold=True)
        sheet.append(_header(period))
        sheet.append([_safe(str(c.label)) for c in item.columns])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        if not item.cells:
            sheet.append([str(item.table.empty_message or _("No data for this period."))])
        for row in item.cells:
            line = []
            for cell in row:
                data = cell.data()
                if isinstance(data, str):
                    data = _safe(data)
                line.append(data)
            sheet.append(line)
        for note in item.table.notes:
            sheet.append([_safe(str(note))])
        sheet.column_dimensions["A"].width = 40
    sheet = book.create_sheet(_sheet_name("about", used))
    sheet.append([_("Linkwell dashboard export")])
    sheet.append(_header(period))
    sheet.append([_("Made at %(at)s") % {"at": timezone.localtime().isoformat(timespec="minutes")}])
    sheet.append([_("<5: a count from 1 to 4. [c]: hidden so a small count cannot be worked out.")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def quarterly_pdf(published: list[Published], period: Period, *, title: str) -> bytes:
    """A plain A4 report of the key tables (reportlab: pure Python, no system libraries)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author="Linkwell",
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    story = [Paragraph(_escape(title), styles["Title"])]
    for line in _header(period):
        story.append(Paragraph(_escape(line), styles["BodyText"]))
    story.append(
        Paragraph(
            _escape(
                _("<5: a count from 1 to 4. [c]: hidden so a small count cannot be worked out.")
            ),
            styles["BodyText"],
        )
    )
    for item in published:
        story.append(Spacer(1, 6 * mm))
        story.append(Paragraph(_escape(str(item.table.title)), styles["Heading2"]))
        if not item.cells:
            story.append(
                Paragraph(
                    _escape(str(item.table.empty_message or _("No data for this period."))),
                    styles["BodyText"],
                )
            )
            continue
        data = [[Paragraph(_escape(str(c.label)), small) for c in item.columns]]
        for row in item.text_rows(localise=False):
            data.append([Paragraph(_escape(text), small) for text in row])
        table = PdfTable(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
        for note in item.table.notes:
            story.append(Paragraph(_escape(str(note)), small))
    doc.build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
