from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "linkwell.geo"
    label = "geo"
    verbose_name = "Postcodes and deprivation"
