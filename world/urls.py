"""The world app's API routes."""

from django.urls import path

from world import api

urlpatterns = [
    path("auth/register", api.RegisterApi.as_view(), name="auth-register"),
    path("auth/token", api.TokenApi.as_view(), name="auth-token"),
    path("auth/me", api.MeApi.as_view(), name="auth-me"),
    path("world/state", api.WorldStateApi.as_view(), name="world-state"),
    path("world/map", api.WorldMapApi.as_view(), name="world-map"),
    path("world/time", api.WorldTimeApi.as_view(), name="world-time"),
    path("events", api.EventListApi.as_view(), name="events"),
    path("character/<int:character_id>", api.CharacterDetailApi.as_view(), name="character-detail"),
]
