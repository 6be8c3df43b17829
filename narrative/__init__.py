"""Narrative: factions and their relations, quests, lore, conversations."""
