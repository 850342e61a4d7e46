"""``{% case_measurements case %}``: the outcome measures panel on casework's case page.

Casework never imports outcomes (data flows one way); its case template includes
``outcomes/_case_panel_include.html``, which loads this tag. One query: the case's
measurements (the case was already scoped and audited by casework's case_get_for).
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from .. import selectors
from ..instruments import INSTRUMENTS
from ..services import RECORDABLE_STATUSES
from ..vocabulary import timepoint_label

register = template.Library()


@register.inclusion_tag("outcomes/_case_panel.html")
def case_measurements(case, may_edit=False):
    measurements = list(selectors.case_measurement_list(case))
    rows = []
    for s in selectors.change_from_baseline(measurements):
        points = [p for p in s.points if p.value is not None]
        if not points:
            continue
        latest = points[-1]
        rows.append(
            {
                "name": _(INSTRUMENTS[s.instrument].name),
                "label": _(s.tracked.label),
                "baseline": points[0],
                "baseline_label": timepoint_label(points[0].measurement.timepoint),
                "latest": latest if len(points) > 1 else None,
                "latest_label": timepoint_label(latest.measurement.timepoint),
                "threshold": s.tracked.meaningful_change,
            }
        )
    due = [
        {
            "row": row,
            "name": _(INSTRUMENTS[row.instrument].name),
            "timepoint": timepoint_label(row.timepoint.code),
        }
        for row in selectors.schedule_for(case.referral, measurements)
        if row.status in ("due", "overdue")
    ]
    return {
        "case": case,
        "rows": rows,
        "due": due,
        "count": len(measurements),
        "can_record": may_edit and case.referral.status in RECORDABLE_STATUSES,
    }
