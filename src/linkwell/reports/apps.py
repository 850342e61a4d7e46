from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "linkwell.reports"
    verbose_name = _("Reports and evaluation")

    def ready(self) -> None:
        from linkwell.jobs import register_job

        from . import facts

        # The dashboard's per-referral facts: changes every 10 minutes, in full once a day.
        register_job("reports.refresh_facts", facts.refresh_job, every=facts.JOB_EVERY)
