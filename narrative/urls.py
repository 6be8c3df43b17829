"""The narrative app's API routes."""

from django.urls import path

from narrative import api

urlpatterns = [
    path("factions", api.FactionListApi.as_view(), name="factions"),
    path("factions/<slug:slug>", api.FactionDetailApi.as_view(), name="faction"),
    path("lore", api.LoreListApi.as_view(), name="lore"),
    path("lore/<slug:slug>", api.LoreDetailApi.as_view(), name="lore-entry"),
    path("character/<int:character_id>/quests", api.CharacterQuestListApi.as_view(), name="character-quests"),
    path("conversations", api.ConversationListApi.as_view(), name="conversations"),
]
