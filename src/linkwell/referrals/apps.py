from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "linkwell.referrals"
    label = "referrals"
