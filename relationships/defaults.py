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
