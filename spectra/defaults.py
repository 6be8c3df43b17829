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


# OCC appraisal rules: (event type or *, role, applies to, condition, emotion, intensity, note).
# The condition is what the event means to the character (spectra.appraisal): its goals,
# its standards, its likings; the intensity scales with how much.
OCC_RULES: list[tuple[str, str, str, str, str, float, str]] = [
    # Consequences of events, for one's goals
    ("*", "actor", "any", "goal_advanced", "satisfaction", 0.6, "my deed brings my goal nearer"),
    ("*", "addressed", "any", "goal_advanced", "joy", 0.7, "what was done to me serves my goal"),
    ("*", "witness", "any", "goal_advanced", "hope", 0.5, "what I see brings my goal nearer"),
    ("*", "actor", "any", "goal_threatened", "distress", 0.7, "what I do leaves me worn out or alone"),
    ("*", "witness", "any", "goal_threatened", "fear", 0.7, "someone I dislike at what my goals need"),
    ("*", "addressed", "any", "goal_threatened", "distress", 0.8, "someone I dislike thwarts me"),
    ("QUEST_FAILED", "actor", "any", "goal_threatened", "fears_confirmed", 0.8, "the deadline I dreaded"),
    ("QUEST_FAILED", "actor", "any", "", "disappointment", 0.6, "it came to nothing"),
    ("QUEST_COMPLETED", "actor", "any", "goal_advanced", "joy", 0.8, "done at last"),
    ("GOAL_ACHIEVED", "actor", "any", "goal_advanced", "satisfaction", 0.8, "what I set out to do is done"),
    ("GOAL_FAILED", "actor", "any", "goal_threatened", "disappointment", 0.8, "what I set out to do came to nothing"),
    # Actions of agents, against one's standards
    ("*", "actor", "any", "praised", "pride", 0.4, "I did what is right"),
    ("*", "actor", "any", "blamed", "shame", 0.5, "I did what I should not"),
    ("*", "witness", "any", "praised", "admiration", 0.3, "they did what is right"),
    ("*", "witness", "any", "blamed", "reproach", 0.4, "they did what they should not"),
    ("*", "addressed", "any", "praised", "gratitude", 0.6, "they did right by me"),
    ("*", "addressed", "any", "blamed", "anger", 0.8, "they wronged me"),
    ("NPC_PURSUED_GOAL", "actor", "npc", "praised", "gratification", 0.7, "good work toward my goal"),
    ("SPECTRA_PURSUED_GOAL", "actor", "spectra", "praised", "gratification", 0.7, "good work toward her goal"),
    ("QUEST_COMPLETED", "actor", "any", "praised", "gratification", 0.8, "a task done well"),
    ("QUEST_FAILED", "actor", "any", "blamed", "remorse", 0.8, "I let it fail"),
    ("NPC_RESTED", "actor", "npc", "blamed", "remorse", 0.4, "idle while the work waits"),
    # Aspects of people, places and things: liking
    ("*", "actor", "any", "liked", "liking", 0.3, "with someone or something I like"),
    ("*", "actor", "any", "loved", "love", 0.6, "with someone I love"),
    ("*", "actor", "any", "hated", "hate", 0.7, "facing someone I hate"),
    ("*", "addressed", "any", "liked", "liking", 0.5, "someone I like turns to me"),
    ("*", "addressed", "any", "disliked", "disliking", 0.6, "someone I dislike turns to me"),
    ("*", "addressed", "any", "hated", "hate", 0.8, "someone I hate turns to me"),
    ("*", "witness", "any", "disliked", "disliking", 0.3, "someone I dislike is about"),
    # Fortunes of others: pleased or displeased for them, as one likes them
    ("NPC_CREATED", "witness", "any", "liked", "happy_for", 0.5, "a friend made something"),
    ("NPC_PURSUED_GOAL", "witness", "any", "liked", "happy_for", 0.4, "a friend gets on"),
    ("NPC_CREATED", "witness", "any", "disliked", "resentment", 0.5, "a rival made something"),
    ("NPC_PURSUED_GOAL", "witness", "any", "disliked", "resentment", 0.5, "a rival gets on"),
    ("QUEST_FAILED", "witness", "any", "liked", "pity", 0.6, "a friend failed"),
    ("GOAL_ACHIEVED", "witness", "any", "liked", "happy_for", 0.5, "a friend got what they wanted"),
    ("GOAL_ACHIEVED", "witness", "any", "disliked", "resentment", 0.5, "a rival got what they wanted"),
    ("GOAL_FAILED", "witness", "any", "liked", "pity", 0.5, "a friend's hopes came to nothing"),
    ("QUEST_FAILED", "witness", "any", "disliked", "gloating", 0.5, "a rival failed"),
    ("NPC_MOVE_ACTION", "witness", "any", "liked", "disappointment", 0.5, "a friend goes away"),
    # Clashes: heated words with a rival (NPC_CONFRONTED; `target_id` is the one confronted)
    ("NPC_CONFRONTED", "addressed", "any", "", "anger", 0.7, "someone picks a quarrel with me"),
    ("NPC_CONFRONTED", "actor", "npc", "", "anger", 0.5, "I have it out with them"),
    ("NPC_CONFRONTED", "witness", "spectra", "", "fear", 0.6, "a quarrel flares where she is"),
    ("NPC_CONFRONTED", "witness", "npc", "", "fear", 0.3, "heated words nearby"),
    # The day's rhythm for NPCs, felt as each one's day has gone: hope at dawn for the rested,
    # dread of the day for the weary; at evening, satisfaction for those whose work is done,
    # disappointment for those who leave it undone; at night, relief for the tired.
    ("TIME_OF_DAY_CHANGED:dawn", "witness", "npc", "rested", "hope", 0.4, "a new day, and I am fresh for it"),
    ("TIME_OF_DAY_CHANGED:dawn", "witness", "npc", "weary", "distress", 0.4, "another day, and no rest"),
    ("TIME_OF_DAY_CHANGED:evening", "witness", "npc", "fulfilled", "satisfaction", 0.4, "the day's work is done"),
    ("TIME_OF_DAY_CHANGED:evening", "witness", "npc", "unfulfilled", "disappointment", 0.4, "my work left undone"),
    ("TIME_OF_DAY_CHANGED:night", "witness", "npc", "weary", "relief", 0.5, "night: rest at last"),
]

# Shipped unconditional rules that the OCC rules above make personal (switched off, kept
# for designers): being talked to pleases only if the speaker is liked; making something is
# a matter of pride only to those whose standards admire it.
SUPERSEDED_RULES: list[tuple[str, str, str]] = [
    ("NPC_TALKED", "addressed", "npc"),
    ("NPC_CREATED", "actor", "npc"),
    # Working at her goal pleases her only while it brings the goal nearer (`goal_advanced`);
    # at a goal her efforts no longer move, it is distress (`goal_threatened`, the `*` rules).
    ("SPECTRA_PURSUED_GOAL", "actor", "spectra"),
    # The turn of the day, felt alike by every NPC, made a town's moods move as one.
    ("TIME_OF_DAY_CHANGED:dawn", "witness", "npc"),
    ("TIME_OF_DAY_CHANGED:evening", "witness", "npc"),
    ("TIME_OF_DAY_CHANGED:night", "witness", "npc"),
]

# Standards held by personality (faction standards are in the seed: `standards:`).
# (event type, trait, praise, note): those high in the trait judge the deed so, those low the
# other way, in proportion.
TRAIT_STANDARDS: list[tuple[str, str, float, str]] = [
    ("NPC_TALKED", "agreeableness", 0.4, "kind folk think talk is good; the unkind find it intrusive"),
    ("SPECTRA_TALKED", "agreeableness", 0.4, "the same of Spectra"),
    ("NPC_PURSUED_GOAL", "conscientiousness", 0.5, "the diligent admire diligence"),
    ("SPECTRA_PURSUED_GOAL", "conscientiousness", 0.5, "the same of Spectra"),
    ("NPC_RESTED", "conscientiousness", -0.3, "the diligent frown on idling; the easygoing approve"),
    ("NPC_EXPLORED", "openness", 0.4, "the open admire curiosity; the closed call it prying"),
    ("NPC_CREATED", "openness", 0.4, "the open admire making"),
    ("SPECTRA_CREATED", "openness", 0.4, "the same of Spectra"),
    ("NPC_MOVE_ACTION", "neuroticism", -0.3, "the anxious dislike comings and goings"),
    ("NPC_CONFRONTED", "agreeableness", -0.6, "the kind deplore a quarrel; the quarrelsome relish it"),
    ("QUEST_COMPLETED", "conscientiousness", 0.8, "a promise kept"),
    ("QUEST_FAILED", "conscientiousness", -0.8, "a promise broken"),
]


def occ_table_load(EmotionType, AppraisalRule, Standard) -> None:
    """Create the shipped OCC rules and personality standards that are missing (models
    passed in, for the data migration)."""
    emotions = {emotion.name: emotion for emotion in EmotionType.objects.all()}
    for event_type, role, applies_to, condition, emotion, intensity, note in OCC_RULES:
        AppraisalRule.objects.get_or_create(
            event_type=event_type,
            role=role,
            applies_to=applies_to,
            condition=condition,
            defaults={"emotion": emotions[emotion], "intensity": intensity, "note": note},
        )
    for event_type, role, applies_to in SUPERSEDED_RULES:
        AppraisalRule.objects.filter(event_type=event_type, role=role, applies_to=applies_to, condition="").update(
            is_active=False
        )
    for event_type, trait, praise, note in TRAIT_STANDARDS:
        Standard.objects.get_or_create(
            event_type=event_type, trait=trait, faction=None, defaults={"praise": praise, "note": note}
        )
