"""The Memory Cortex's endpoints (under /api/)."""

from django.urls import path

from memory.api import CharacterMemoryListApi, MemoryCreateApi

urlpatterns = [
    path("memory", MemoryCreateApi.as_view(), name="memory-create"),
    path("character/<int:character_id>/memories", CharacterMemoryListApi.as_view(), name="character-memories"),
]
