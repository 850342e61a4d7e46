"""django-tasks entry points (backend: django_tasks_db; run by `linkwell worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_due_messages() -> int:
    from .worker import send_due_messages as send

    return send()
