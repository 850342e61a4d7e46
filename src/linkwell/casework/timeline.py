"""Extension points for the case record, so later stages can add to it without casework
importing them (data flows one way along the pathway).

A later app registers in its ``AppConfig.ready()``:

    from linkwell.casework.timeline import register_timeline_source
    register_timeline_source(my_entries)          # my_entries(case) -> list[TimelineEntry]

    from linkwell.casework.timeline import register_discharge_section
    register_discharge_section(my_lines)          # my_lines(case) -> list[str]

Sources must be cheap (one or two queries per case, never per entry) and must return only
what the case's link worker service may see.
"""

from __future__ import annotations

from collections.abc import Callable

_TIMELINE_SOURCES: list[Callable] = []
_DISCHARGE_SECTIONS: list[Callable] = []


def register_timeline_source(fn: Callable) -> Callable:
    if fn not in _TIMELINE_SOURCES:
        _TIMELINE_SOURCES.append(fn)
    return fn


def timeline_sources() -> tuple[Callable, ...]:
    return tuple(_TIMELINE_SOURCES)


def register_discharge_section(fn: Callable) -> Callable:
    if fn not in _DISCHARGE_SECTIONS:
        _DISCHARGE_SECTIONS.append(fn)
    return fn


def discharge_sections() -> tuple[Callable, ...]:
    return tuple(_DISCHARGE_SECTIONS)
