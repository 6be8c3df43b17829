"""The spectra app's API routes."""

from django.urls import path

from spectra import api

urlpatterns = [
    path("spectra/status", api.SpectraStatusApi.as_view(), name="spectra-status"),
    path("spectra/history", api.SpectraHistoryApi.as_view(), name="spectra-history"),
    path("spectra/beliefs", api.SpectraBeliefsApi.as_view(), name="spectra-beliefs"),
]
