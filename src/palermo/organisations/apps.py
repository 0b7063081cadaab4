from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "palermo.organisations"
    label = "organisations"
