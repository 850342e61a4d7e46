"""Exports carry the published figures: CSV, XLSX (a sheet per table) and the quarterly PDF."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linkwell.audit.models import AuditEntry
from linkwell.reports.dashboard import TABLE_NAMES
from linkwell.reports.forms import parse_quarter


@pytest.fixture
def data(build):
    for i in range(3):
        build(created_days_ago=20 + i, contact_after=1)
    for i in range(6):
        build(created_days_ago=20 + i)


@pytest.mark.django_db
def test_a_table_as_csv_keeps_suppression_and_defuses_formulas(client, commissioner, data):
    client.force_login(commissioner)
    response = client.get(reverse("reports:table-csv", args=["pathway"]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="linkwell-pathway.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[2] == ["Step", "People (referrals)", "Share of those referred"]
    assert ["Referred", "9", "100.0"] in rows
    assert ["Contacted (first successful contact)", "<5", "[c]"] in rows
    assert AuditEntry.objects.filter(action="export", object_id="pathway.csv").exists()


@pytest.mark.django_db
def test_the_whole_dashboard_is_one_workbook_with_a_sheet_per_table(client, commissioner, data):
    client.force_login(commissioner)
    response = client.get(reverse("reports:dashboard-xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[: len(TABLE_NAMES)] == [n[:31] for n in TABLE_NAMES]
    sheet = book["pathway"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Referred", 9, 100] in values
    assert ["Contacted (first successful contact)", "<5", "[c]"] in values


@pytest.mark.django_db
def test_one_table_as_xlsx(client, commissioner, data):
    client.force_login(commissioner)
    response = client.get(reverse("reports:table-xlsx", args=["waits"]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["waits", "about"]


@pytest.mark.django_db
def test_the_quarterly_report_is_a_pdf(client, commissioner, data):
    client.force_login(commissioner)
    response = client.get(reverse("reports:quarterly-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize("quarter", ["2026-Q5", "Q3 2026", "2099-Q1"])
def test_a_bad_quarter_is_explained(client, commissioner, quarter):
    client.force_login(commissioner)
    response = client.get(reverse("reports:quarterly-pdf"), {"quarter": quarter})
    assert response.status_code == 400
    assert response.content.decode()


def test_quarters_cover_their_three_months():
    import datetime

    p = parse_quarter("2025-Q3", today=datetime.date(2026, 1, 1))
    assert (p.start, p.end) == (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    p = parse_quarter("2025-Q4", today=datetime.date(2025, 11, 5))
    assert (p.start, p.end) == (datetime.date(2025, 10, 1), datetime.date(2025, 11, 5))


@pytest.mark.django_db
def test_an_unknown_table_export_is_404(client, commissioner):
    client.force_login(commissioner)
    assert client.get(reverse("reports:table-csv", args=["nope"])).status_code == 404
