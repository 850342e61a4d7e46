from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "linkwell.groups"
    verbose_name = _("Groups and providers")

    def ready(self):
        import datetime

        from linkwell.casework.timeline import register_discharge_section, register_timeline_source
        from linkwell.jobs import register_job

        from . import services, timeline

        # Onward referrals and attendance on the case record (docs/onward-referrals.md).
        register_timeline_source(timeline.onward_timeline)
        register_discharge_section(timeline.activities_section)
        register_job(
            "groups.onward_nudge", services.onward_nudge_due, every=datetime.timedelta(hours=1)
        )
        register_job(
            "groups.onward_lapse", services.onward_lapse_due, every=datetime.timedelta(hours=1)
        )
        # Feedback, notes and concerns (docs/feedback-and-concerns.md): timeline and re-alerts.
        from . import concerns

        register_timeline_source(concerns.case_care_entries)
        register_job(
            "groups.concerns_realert",
            concerns.concerns_realert,
            every=datetime.timedelta(minutes=5),
        )
        from . import reminders  # session reminders, "we missed you" (docs/messaging.md)

        reminders.register()
