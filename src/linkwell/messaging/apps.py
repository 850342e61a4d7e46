from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "linkwell.messaging"
    label = "messaging"

    def ready(self):
        import datetime

        from linkwell.casework.timeline import register_timeline_source
        from linkwell.jobs import register_job

        from . import reminders, timeline

        # Messages and reminders on the case record; follow-up reminders (docs/messaging.md).
        register_timeline_source(timeline.messages_timeline)
        register_job(
            "messaging.follow_up_reminders",
            reminders.follow_up_reminders,
            every=datetime.timedelta(minutes=15),
        )
