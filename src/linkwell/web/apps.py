from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "linkwell.web"
    label = "web"
