"""The world app's API routes."""

from django.urls import path

from world import api

urlpatterns = [
    path("auth/register", api.RegisterApi.as_view(), name="auth-register"),
    path("auth/token", api.TokenApi.as_view(), name="auth-token"),
    path("auth/me", api.MeApi.as_view(), name="auth-me"),
]
