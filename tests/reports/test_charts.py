"""SVG charts: accessible, drawn from the published (suppressed) figures, mirrored for RTL."""

# ruff: noqa: S314 - parsing SVG that this code made, not untrusted input

import xml.etree.ElementTree as ET

from django.utils import translation

from linkwell.reports.charts import bar_chart, chart_for, funnel_chart, line_chart
from linkwell.reports.tables import COUNT, LABEL, Chart, Column, Table

SVG = "{http://www.w3.org/2000/svg}"


def _table():
    t = Table(
        "demo",
        "Referrals by source",
        [Column("source", "Source", LABEL), Column("n", "Referrals", COUNT)],
        chart=Chart("bar", "source", "n", "Referrals by source"),
    )
    t.rows = [{"source": "GP", "n": 40}, {"source": "Police", "n": 3}, {"source": "Fire", "n": 9},
              {"source": "All", "n": 52}]  # fmt: skip
    t.blocks = [([0, 1, 2], 3)]
    return t


def test_a_chart_is_an_accessible_image_with_a_title_and_description():
    svg = str(chart_for(_table().publish()))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Referrals by source"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "GP: 40" in desc.text


def test_a_chart_never_shows_a_suppressed_figure():
    svg = str(chart_for(_table().publish()))
    root = ET.fromstring(svg)
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 1  # GP only: Police (<5) and Fire ([c], protecting it) have no bar
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<5" in texts and "[c]" in texts
    assert "3" not in texts and "9" not in texts
    assert "All" not in texts  # the total row is left out of a chart of parts


def test_right_to_left_mirrors_the_bars():
    points = [("a", 10.0, "10"), ("b", 5.0, "5")]
    ltr = ET.fromstring(str(bar_chart("t", points)))
    rtl = ET.fromstring(str(bar_chart("t", points, rtl=True)))
    x_ltr = float(ltr.find(f"{SVG}rect").get("x"))
    x_rtl = float(rtl.find(f"{SVG}rect").get("x"))
    width = float(ltr.find(f"{SVG}rect").get("width"))
    assert abs((640 - x_ltr - width) - x_rtl) < 0.2
    assert rtl.get("direction") == "rtl"


def test_text_is_escaped():
    svg = str(bar_chart("<script>", [("<b>x</b>", 1.0, "1")]))
    assert "<script>" not in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)


def test_line_and_funnel_charts_handle_missing_values():
    points = [("Jan", 3.0, "3"), ("Feb", None, "<5"), ("Mar", 7.0, "7")]
    for draw in (line_chart, funnel_chart):
        root = ET.fromstring(str(draw("t", points)))
        assert root.get("role") == "img"


def test_negative_bars_go_the_other_way_from_zero():
    root = ET.fromstring(str(bar_chart("t", [("up", 2.0, "+2"), ("down", -1.0, "-1")])))
    up, down = root.findall(f"{SVG}rect")
    assert float(down.get("x")) < float(up.get("x"))


def test_no_rows_no_chart():
    t = _table()
    t.rows, t.blocks = [], None
    assert chart_for(t.publish()) is None


def test_charts_follow_the_page_language_direction(rf):
    with translation.override("ar"):
        assert translation.get_language_bidi()


def test_a_line_charts_labels_fit_inside_the_chart():
    points = [(f"December {2014 + i}", float(i), str(i)) for i in range(13)]
    for rtl in (False, True):
        root = ET.fromstring(str(line_chart("t", points, rtl=rtl)))
        width = float(root.get("viewBox").split()[2])
        for text in root.iter(f"{SVG}text"):
            if text.text and text.text.startswith("December"):
                half = len(text.text) * 6.5 / 2  # 11px text: about 6.5px a character at most
                assert half <= float(text.get("x")) <= width - half


def test_the_dashboard_filter_shows_the_dates_it_applies(client, db):
    from cast import make_org, make_user
    from linkwell.accounts.models import OrganisationKind, Role
    from linkwell.reports.dashboard import default_period

    org = make_org("Commissioning", OrganisationKind.COMMISSIONER)
    user = make_user("commissioner@example.org", org, Role.COMMISSIONER)
    client.force_login(user)
    page = client.get("/reports/").content.decode()
    period = default_period()
    assert f'value="{period.start.isoformat()}"' in page
    assert f'value="{period.end.isoformat()}"' in page
