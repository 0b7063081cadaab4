from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    name = "palermo.encryption"
    label = "encryption"
