"""The relationship rules as shipped (a data migration loads them once; designers edit them
in the admin after). (event type, role, mood tone, affinity, trust, familiarity, note)."""

RULES: list[tuple[str, str, str, float, float, float, str]] = [
    ("NPC_TALKED", "actor", "any", 0.0, 0.0, 0.12, "talking to someone: you come to know them"),
    ("NPC_TALKED", "other", "any", 0.0, 0.0, 0.12, "being talked to"),
    ("NPC_TALKED", "actor", "warm", 0.04, 0.02, 0.0, "warm words warm the speaker too"),
    ("NPC_TALKED", "other", "warm", 0.06, 0.03, 0.0, "kind words"),
    ("NPC_TALKED", "actor", "heated", -0.05, -0.02, 0.0, "a quarrel"),
    ("NPC_TALKED", "other", "heated", -0.08, -0.05, 0.0, "harsh words"),
    ("SPECTRA_TALKED", "actor", "any", 0.04, 0.02, 0.12, "Spectra speaks to someone"),
    ("SPECTRA_TALKED", "other", "any", 0.08, 0.04, 0.15, "Spectra speaks to you"),
    ("SPECTRA_TALKED", "other", "heated", -0.06, -0.04, 0.0, "Spectra in a storm"),
    ("PLAYER_INTERACTED", "actor", "any", 0.02, 0.0, 0.1, "a player turns to someone"),
    ("PLAYER_INTERACTED", "other", "any", 0.03, 0.01, 0.1, "a traveller turns to you"),
    # Deeds (the other party: the one confronted, the receiver of a gift, the owner of a thing
    # stolen; taking what is no one's touches no one)
    ("NPC_CONFRONTED", "actor", "any", -0.08, -0.04, 0.05, "having it out with someone hardens you to them"),
    ("NPC_CONFRONTED", "other", "any", -0.15, -0.1, 0.05, "someone picks a quarrel with you"),
    ("SPECTRA_CONFRONTED", "other", "any", -0.12, -0.08, 0.05, "Spectra turns on you"),
    ("NPC_GAVE_OBJECT", "actor", "any", 0.04, 0.0, 0.05, "giving warms the giver"),
    ("NPC_GAVE_OBJECT", "other", "any", 0.12, 0.08, 0.05, "a gift"),
    ("SPECTRA_GAVE_OBJECT", "other", "any", 0.15, 0.1, 0.05, "a gift from Spectra"),
    ("PLAYER_GAVE_OBJECT", "other", "any", 0.12, 0.08, 0.05, "a traveller's gift"),
    ("NPC_TOOK_OBJECT", "other", "any", -0.2, -0.25, 0.05, "what is yours, taken"),
    ("SPECTRA_TOOK_OBJECT", "other", "any", -0.15, -0.2, 0.05, "Spectra takes what is yours"),
    ("PLAYER_TOOK_OBJECT", "other", "any", -0.2, -0.25, 0.05, "a traveller takes what is yours"),
]


def relationship_rules_load(RelationshipRule) -> None:
    """Create the shipped rules that are missing (the model passed in, for the migration)."""
    for event_type, role, tone, affinity, trust, familiarity, note in RULES:
        RelationshipRule.objects.get_or_create(
            event_type=event_type,
            role=role,
            mood_tone=tone,
            defaults={"affinity": affinity, "trust": trust, "familiarity": familiarity, "note": note},
        )
