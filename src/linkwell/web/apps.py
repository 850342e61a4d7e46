from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "linkwell.web"
    label = "web"

    def ready(self) -> None:
        from linkwell.jobs import register_job
        from linkwell.lib import dbstats

        # SQLite's planner statistics (PostgreSQL keeps its own): see linkwell.lib.dbstats.
        register_job("db.refresh_statistics", dbstats.refresh_statistics, every=dbstats.JOB_EVERY)
