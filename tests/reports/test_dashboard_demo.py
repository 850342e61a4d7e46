"""The dashboard on the demo data: real figures in every section, suppression where counts are
small, and at least one equity difference. The demo is loaded once for the module."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from linkwell.reports.dashboard import FUNNEL, SECTIONS, dashboard_tables, default_period
from linkwell.reports.suppression import PRIMARY

FUNNEL_LABELS = dict(FUNNEL)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The demo as `linkwell demo` loads it: dated from today, like the dashboard's default period.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--seed", "2026", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def published(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return {t.name: t.publish() for t in dashboard_tables(default_period())}


def figures(p):
    """Published numbers greater than zero (not labels, not hidden)."""
    return [
        cell.value
        for row in p.cells
        for cell in row[1:]
        if not cell.hidden and isinstance(cell.value, int | float) and cell.value > 0
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "referrals-by-month",
        "referrals-by-source",
        "pathway",
        "waits",
        "provider-replies",
        "attendance",
        "utilisation",
        "outcome-change",
        "equity-imd",
        "equity-ethnic",
        "equity-language",
        "equity-age",
        "equity-sex",
        "unmet-need",
        "waitlists",
    ],
)
def test_every_table_shows_real_figures_from_the_demo(published, name):
    assert figures(published[name]), f"{name} has no unsuppressed figures on the demo data"


@pytest.mark.django_db
@pytest.mark.parametrize("key", [key for key, _title in SECTIONS])
def test_every_dashboard_section_has_an_unsuppressed_figure_on_the_demo(published, key):
    title = str(dict(SECTIONS)[key])
    tables = [p for p in published.values() if str(p.table.section) == title]
    assert tables, f"no tables in the {title} section"
    assert any(figures(p) for p in tables), f"the {title} section shows only suppressed figures"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, keys",
    [
        ("provider-replies", ("sent", "replied", "median_reply", "accepted", "capacity")),
        ("attendance", ("people", "came", "dropped", "attended")),
        ("unmet-need", ("total",)),
        ("waitlists", ("capacity", "people")),
    ],
)
def test_the_demo_history_fills_the_group_and_unmet_need_columns(published, name, keys):
    """Onward referrals with replies and declines, registers with drop-out, waitlists and
    unmet needs: each of these columns shows a figure (the all-services total at least)."""
    p = published[name]
    columns = [c.key for c in p.columns]
    for key in keys:
        shown = [
            row[columns.index(key)].value for row in p.cells if not row[columns.index(key)].hidden
        ]
        assert any(isinstance(v, int | float) and v > 0 for v in shown), f"{name}: {key}"


@pytest.mark.django_db
def test_the_demo_pathway_connects_and_most_who_are_connected_attend(published):
    p = published["pathway"]
    counts = {str(row[0].value): row[1].value for row in p.cells}
    connected = counts[str(FUNNEL_LABELS["connected"])]
    attended = counts[str(FUNNEL_LABELS["attended"])]
    assert isinstance(connected, int) and isinstance(attended, int)
    assert 0 < attended < connected


@pytest.mark.django_db
def test_small_counts_are_suppressed_somewhere_on_the_demo(published):
    markers = [cell.marker for p in published.values() for row in p.cells for cell in row]
    assert PRIMARY in markers
    for name in ("provider-replies", "attendance", "unmet-need", "waitlists"):
        cells = [cell.marker for row in published[name].cells for cell in row]
        assert PRIMARY in cells, f"{name} shows no small counts suppressed"


@pytest.mark.django_db
def test_at_least_one_equity_difference_is_visible(published):
    diffs = []
    for name in ("equity-imd", "equity-ethnic", "equity-language", "equity-age", "equity-sex"):
        p = published[name]
        keys = [c.key for c in p.columns]
        for row in p.cells:
            for key in ("contacted_diff", "attended_diff", "wait_diff"):
                cell = row[keys.index(key)]
                if not cell.hidden and isinstance(cell.value, float) and abs(cell.value) >= 5:
                    diffs.append((name, key, cell.value))
    assert diffs


@pytest.mark.django_db
def test_the_demo_dashboard_page_renders_every_section(demo, client):
    from linkwell.accounts.models import Role, User

    commissioner = User.objects.filter(memberships__role=Role.COMMISSIONER).first()
    assert commissioner is not None, "the demo has a commissioner"
    client.force_login(commissioner)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    for _key, title in SECTIONS:
        assert f"<h2>{title}</h2>" in body
