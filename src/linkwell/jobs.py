"""Periodic jobs: reminders, nudges, lapses, re-alerts.

An app registers its jobs in ``AppConfig.ready()``:

    from linkwell.jobs import register_job
    register_job("groups.session_reminders", session_reminders, every=datetime.timedelta(minutes=15))

A job is a function ``fn(now) -> int`` (how many things it did). Every job must be
idempotent: it may run more than once for the same moment, on more than one worker, and after
a crash - so it decides from the database what is due and records what it did in the same
transaction (e.g. a ``reminded_at`` column or a unique constraint), never from memory.

`linkwell worker` runs due jobs on every pass of its loop (`run_due_jobs`);
`linkwell run-jobs` runs every job once, for cron or by hand.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    fn: Callable[[datetime.datetime], int]
    every: datetime.timedelta
    last_run: datetime.datetime | None = None


_JOBS: dict[str, Job] = {}


def register_job(name: str, fn: Callable, *, every: datetime.timedelta) -> None:
    existing = _JOBS.get(name)
    if existing is None:
        _JOBS[name] = Job(name=name, fn=fn, every=every)
    else:  # re-registering (a reloaded app) replaces the function, keeps the schedule
        existing.fn, existing.every = fn, every


def registered_jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: j.name)


def run_job(job: Job, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    job.last_run = now
    try:
        return job.fn(now) or 0
    except Exception:
        # Job names only: never personal data in logs.
        logger.exception("periodic job %s failed; it runs again next time", job.name)
        return 0


def run_due_jobs(now: datetime.datetime | None = None) -> dict[str, int]:
    """Run the jobs whose interval has passed since they last ran in this process."""
    now = now or timezone.now()
    done = {}
    for job in registered_jobs():
        if job.last_run is None or now - job.last_run >= job.every:
            done[job.name] = run_job(job, now)
    return done


def run_all_jobs(now: datetime.datetime | None = None, only: str | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        job.name: run_job(job, now) for job in registered_jobs() if only is None or job.name == only
    }
