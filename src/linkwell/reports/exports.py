"""Exports of published (suppressed) tables: CSV, XLSX (one sheet per table) and a PDF report.

Every export starts from `Table.publish()`, so it carries exactly the figures and the
suppression markers the page shows. Text cells are defused so a spreadsheet never runs them
as formulas.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from django.utils import timezone, translation
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


# Fonts for the PDF, from npm (package.json; SIL Open Font License 1.1). reportlab's built-in
# Helvetica has Latin-1 only: no Polish "ł", no Ukrainian, no Arabic, Urdu, Farsi or Bengali.
# Arabic and Bengali need shaping (joined letters, conjuncts): reportlab does it with
# uharfbuzz; right-to-left paragraphs are laid out word by word from the right.
PDF_FONTS = {
    "LinkwellSans": "@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf",
    "LinkwellSans-Bold": "@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf",
    "LinkwellArabic": (
        "@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf"
    ),
    "LinkwellArabic-Bold": (
        "@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf"
    ),
    "LinkwellBengali": (
        "@expo-google-fonts/noto-sans-bengali/400Regular/NotoSansBengali_400Regular.ttf"
    ),
    "LinkwellBengali-Bold": (
        "@expo-google-fonts/noto-sans-bengali/700Bold/NotoSansBengali_700Bold.ttf"
    ),
}
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_BENGALI = "\u0980-\u09ff"
# A run of one script, spaces and punctuation between its words included.
_SCRIPT_RUN = re.compile(
    rf"(?P<arabic>[{_ARABIC}](?:[{_ARABIC}\s\d.,:;()%\-–]*[{_ARABIC}])?)"
    rf"|(?P<bengali>[{_BENGALI}](?:[{_BENGALI}\s\d.,:;()%\-–]*[{_BENGALI}])?)"
)
_registered: bool | None = None


def pdf_fonts_available() -> bool:
    """Register the PDF fonts once; False (Helvetica only) when the npm packages are missing."""
    global _registered
    if _registered is None:
        from django.conf import settings
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        paths = {name: settings.NODE_MODULES / path for name, path in PDF_FONTS.items()}
        _registered = all(path.is_file() for path in paths.values())
        if _registered:
            for name, path in paths.items():
                pdfmetrics.registerFont(TTFont(name, str(path)))
    return _registered


def is_rtl(text: str) -> bool:
    """The text's first strongly directional character is right-to-left (as dir="auto")."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def pdf_markup(text: str, *, bold: bool = False) -> str:
    """Escaped paragraph markup with each Arabic-script or Bengali run in a font that has it."""
    suffix = "-Bold" if bold else ""
    parts, at = [], 0
    for match in _SCRIPT_RUN.finditer(text):
        parts.append(_escape(text[at : match.start()]))
        family = "LinkwellArabic" if match.lastgroup == "arabic" else "LinkwellBengali"
        parts.append(f'<font name="{family}{suffix}">{_escape(match.group())}</font>')
        at = match.end()
    parts.append(_escape(text[at:]))
    return "".join(parts)


def quarterly_pdf(published: list[Published], period: Period, *, title: str) -> bytes:
    """A plain A4 report of the key tables (reportlab and uharfbuzz wheels, fonts from npm)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
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
    sheet = getSampleStyleSheet()
    fonts = pdf_fonts_available()
    styles = {name: sheet[name] for name in ("Title", "Heading2", "BodyText")}
    styles["small"] = sheet["BodyText"].clone("small", fontSize=7, leading=8.5)
    if fonts:
        for name, style in styles.items():
            bold = name in ("Title", "Heading2")
            style.fontName = "LinkwellSans-Bold" if bold else "LinkwellSans"
            style.shaping = 1
    styles_rtl = {
        name: style.clone(f"{name}-rtl", wordWrap="RTL", alignment=TA_RIGHT)
        for name, style in styles.items()
    }
    page_rtl = translation.get_language_bidi()

    def para(text: str, style: str) -> Paragraph:
        if not fonts:
            return Paragraph(_escape(text), styles[style])
        markup = pdf_markup(text, bold=style in ("Title", "Heading2"))
        return Paragraph(markup, styles_rtl[style] if is_rtl(text) else styles[style])

    def row(cells: list) -> list:
        return cells[::-1] if page_rtl else cells

    story = [para(title, "Title")]
    for line in _header(period):
        story.append(para(line, "BodyText"))
    story.append(
        para(
            _("<5: a count from 1 to 4. [c]: hidden so a small count cannot be worked out."),
            "BodyText",
        )
    )
    for item in published:
        story.append(Spacer(1, 6 * mm))
        story.append(para(str(item.table.title), "Heading2"))
        if not item.cells:
            story.append(
                para(str(item.table.empty_message or _("No data for this period.")), "BodyText")
            )
            continue
        data = [row([para(str(c.label), "small") for c in item.columns])]
        for cells in item.text_rows(localise=False):
            data.append(row([para(text, "small") for text in cells]))
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
            story.append(para(str(note), "small"))
    doc.build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
