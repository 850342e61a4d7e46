from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "linkwell.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        from linkwell.casework.timeline import register_timeline_source
        from linkwell.jobs import register_job

        from . import jobs, selectors

        # Each measurement shows on the case timeline ("SWEMWBS – Baseline: 21.54").
        register_timeline_source(selectors.case_timeline_entries)
        register_job("outcomes.measures_due", jobs.measures_due_notify, every=jobs.EVERY)
