from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "palermo.directory"
    label = "directory"
