import datetime

import pytest
from django.core.management import call_command

from linkwell import jobs


@pytest.fixture
def scratch_jobs(monkeypatch):
    monkeypatch.setattr(jobs, "_JOBS", {})
    return jobs


def test_due_jobs_run_once_per_interval(scratch_jobs):
    calls = []
    scratch_jobs.register_job(
        "t.every_hour", lambda now: calls.append(now) or 1, every=datetime.timedelta(hours=1)
    )
    t0 = datetime.datetime(2026, 11, 22, 9, tzinfo=datetime.UTC)
    assert scratch_jobs.run_due_jobs(t0) == {"t.every_hour": 1}
    assert scratch_jobs.run_due_jobs(t0 + datetime.timedelta(minutes=30)) == {}
    assert scratch_jobs.run_due_jobs(t0 + datetime.timedelta(hours=1)) == {"t.every_hour": 1}
    assert len(calls) == 2


def test_a_failing_job_does_not_stop_the_others(scratch_jobs, caplog):
    def boom(now):
        raise RuntimeError("secret personal detail")

    scratch_jobs.register_job("a.boom", boom, every=datetime.timedelta(minutes=1))
    scratch_jobs.register_job("b.fine", lambda now: 3, every=datetime.timedelta(minutes=1))
    assert scratch_jobs.run_all_jobs() == {"a.boom": 0, "b.fine": 3}
    assert "a.boom" in caplog.text


@pytest.mark.django_db
def test_run_jobs_command_lists_and_refuses_unknown_names(scratch_jobs, capsys):
    scratch_jobs.register_job("x.job", lambda now: 2, every=datetime.timedelta(minutes=5))
    call_command("run_jobs", "--list")
    assert "x.job" in capsys.readouterr().out
    call_command("run_jobs")
    assert "x.job: 2" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command("run_jobs", "--only", "nope")
