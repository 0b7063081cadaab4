from django.apps import AppConfig


class MatrixConfig(AppConfig):
    name = "palermo.matrix"
    label = "matrix"
