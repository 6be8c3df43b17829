"""The emotion table as shipped: OCC emotions mapped onto pleasure/arousal/dominance as in
ALMA (Gebhard 2005), and the appraisal rules saying which events stir which emotion.

A data migration loads these once; after that they are designers' data, edited in the admin.
"""

# name: (pleasure, arousal, dominance, description)
EMOTIONS: dict[str, tuple[float, float, float, str]] = {
    "admiration": (0.50, 0.30, -0.20, "approving of someone else's deed"),
    "anger": (-0.51, 0.59, 0.25, "disapproving of a harmful deed"),
    "disliking": (-0.40, 0.20, 0.10, "finding something unappealing"),
    "disappointment": (-0.30, 0.10, -0.40, "a hope disconfirmed"),
    "distress": (-0.40, -0.20, -0.50, "an undesirable event"),
    "fear": (-0.64, 0.60, -0.43, "a prospect of something undesirable"),
    "fears_confirmed": (-0.50, -0.30, -0.70, "a fear that came true"),
    "gloating": (0.30, -0.30, -0.10, "pleased at another's misfortune"),
    "gratification": (0.60, 0.50, 0.40, "approving of one's own deed that went well"),
    "gratitude": (0.40, 0.20, -0.30, "approving of another's deed that helped"),
    "happy_for": (0.40, 0.20, 0.20, "pleased for another"),
    "hate": (-0.60, 0.60, 0.30, "strong disliking"),
    "hope": (0.20, 0.20, -0.10, "a prospect of something desirable"),
    "joy": (0.40, 0.20, 0.10, "a desirable event"),
    "liking": (0.40, 0.16, -0.24, "finding something appealing"),
    "love": (0.30, 0.10, 0.20, "strong liking"),
    "pity": (-0.40, -0.20, -0.50, "displeased for another"),
    "pride": (0.40, 0.30, 0.30, "approving of one's own deed"),
    "relief": (0.20, -0.30, 0.40, "a fear disconfirmed"),
    "remorse": (-0.30, 0.10, -0.60, "disapproving of one's own deed"),
    "reproach": (-0.30, -0.10, 0.40, "disapproving of another's deed"),
    "resentment": (-0.20, -0.30, -0.20, "displeased at another's good fortune"),
    "satisfaction": (0.30, -0.20, 0.40, "a hope fulfilled"),
    "shame": (-0.30, 0.10, -0.60, "disapproving of one's own deed"),
    "wonder": (0.45, 0.55, -0.25, "awe at something beyond oneself (not OCC; for Htrae)"),
}

# (event type, role, applies to, emotion, intensity, note)
RULES: list[tuple[str, str, str, str, float, str]] = [
    ("PLAYER_SPOKE", "addressed", "spectra", "joy", 0.6, "a player speaks to her"),
    ("PLAYER_SPOKE", "witness", "spectra", "hope", 0.3, "voices nearby"),
    ("PLAYER_INTERACTED", "addressed", "spectra", "gratitude", 0.5, "a player turns to her"),
    ("PLAYER_MOVED", "witness", "spectra", "hope", 0.35, "a traveller arrives"),
    ("PLAYER_JOINED", "witness", "spectra", "wonder", 0.4, "someone new enters Htrae"),
    ("NPC_MOVED", "witness", "spectra", "liking", 0.15, "an NPC arrives where she is"),
    ("NPC_TALKED", "addressed", "spectra", "happy_for", 0.35, "an NPC speaks to her"),
    ("NPC_TALKED", "witness", "spectra", "liking", 0.1, "chatter around her"),
    ("NPC_CREATED", "witness", "spectra", "admiration", 0.4, "someone makes something"),
    ("SPECTRA_CREATED", "actor", "spectra", "pride", 0.5, "she makes something"),
    ("SPECTRA_EXPLORED", "actor", "spectra", "wonder", 0.35, "she discovers"),
    ("SPECTRA_MOVED", "actor", "spectra", "hope", 0.2, "a new place"),
    ("SPECTRA_RESTED", "actor", "spectra", "relief", 0.3, "rest"),
    ("SPECTRA_TALKED", "actor", "spectra", "liking", 0.25, "company"),
    ("SPECTRA_PURSUED_GOAL", "actor", "spectra", "satisfaction", 0.3, "working on what matters"),
    ("TIME_OF_DAY_CHANGED:dawn", "witness", "spectra", "hope", 0.4, "the sun rises"),
    ("TIME_OF_DAY_CHANGED:afternoon", "witness", "spectra", "satisfaction", 0.2, "the day's long light"),
    ("NPC_MOVE_ACTION", "witness", "spectra", "disappointment", 0.3, "someone leaves her"),
    ("NPC_RESTED", "witness", "spectra", "relief", 0.1, "quiet company"),
    ("TIME_OF_DAY_CHANGED:night", "witness", "spectra", "fear", 0.25, "darkness falls"),
    ("TIME_OF_DAY_CHANGED:evening", "witness", "spectra", "distress", 0.15, "the light goes"),
    ("NPC_TALKED", "addressed", "npc", "liking", 0.3, "someone talks to them"),
    ("PLAYER_SPOKE", "addressed", "npc", "joy", 0.4, "a player talks to them"),
    ("PLAYER_INTERACTED", "addressed", "npc", "liking", 0.3, "a player turns to them"),
    ("SPECTRA_MOVED", "witness", "npc", "wonder", 0.5, "Spectra arrives"),
    ("SPECTRA_TALKED", "addressed", "npc", "admiration", 0.6, "Spectra speaks to them"),
    ("NPC_CREATED", "actor", "npc", "pride", 0.4, "they made something"),
    ("NPC_RESTED", "actor", "npc", "relief", 0.25, "rest"),
    ("NPC_EXPLORED", "actor", "npc", "joy", 0.2, "discovery"),
    ("NPC_PURSUED_GOAL", "actor", "npc", "hope", 0.2, "progress"),
]


def emotion_table_load(EmotionType, AppraisalRule) -> None:
    """Create the shipped emotions and rules that are missing (models passed in, so the data
    migration can use its historical ones)."""
    for name, (pleasure, arousal, dominance, description) in EMOTIONS.items():
        EmotionType.objects.get_or_create(
            name=name,
            defaults={"pleasure": pleasure, "arousal": arousal, "dominance": dominance, "description": description},
        )
    emotions = {emotion.name: emotion for emotion in EmotionType.objects.all()}
    for event_type, role, applies_to, emotion, intensity, note in RULES:
        AppraisalRule.objects.get_or_create(
            event_type=event_type,
            role=role,
            applies_to=applies_to,
            defaults={"emotion": emotions[emotion], "intensity": intensity, "note": note},
        )
