from django.apps import AppConfig


class SpectraConfig(AppConfig):
    name = "spectra"
