"""The dashboard on the demo data: real figures in every section, suppression where counts are
small, and at least one equity difference. The demo is loaded once for the module."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from linkwell.reports.dashboard import SECTIONS, dashboard_tables, default_period
from linkwell.reports.suppression import PRIMARY


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
        "utilisation",
        "outcome-change",
        "equity-imd",
        "equity-ethnic",
        "equity-language",
        "equity-age",
        "equity-sex",
    ],
)
def test_every_section_shows_real_figures_from_the_demo(published, name):
    assert figures(published[name]), f"{name} has no figures on the demo data"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["attendance", "unmet-need", "waitlists"])
def test_the_small_demo_sections_show_their_records_suppressed(published, name):
    """The demo's group activity and unmet needs are few: they show, as "<5" where small."""
    p = published[name]
    assert p.cells, f"{name} is empty on the demo data"
    assert any(cell.hidden or cell.value for row in p.cells for cell in row[1:])


@pytest.mark.django_db
def test_small_counts_are_suppressed_somewhere_on_the_demo(published):
    markers = [cell.marker for p in published.values() for row in p.cells for cell in row]
    assert PRIMARY in markers


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
