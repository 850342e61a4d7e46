from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "linkwell.messaging"
    label = "messaging"
