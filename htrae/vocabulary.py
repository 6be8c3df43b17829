"""The names every app shares: the event types published on the bus, and the moods.

Plain Python that imports nothing from the project, so any module may use it, pure logic
included, without an import cycle: an app that publishes an event and one that reads it
name it from here, never from each other's service modules. Names are the blueprint's,
upper snake case.
"""


class EventType:
    """Every event type published on the bus, by any app."""

    # Autonomy (NPC_* for NPCs, SPECTRA_* for Spectra; the action names are shared)
    NPC_MOVE_ACTION = "NPC_MOVE_ACTION"  # decided to leave, published at the origin
    NPC_MOVED = "NPC_MOVED"  # arrived, published at the destination
    NPC_TALKED = "NPC_TALKED"
    NPC_EXPLORED = "NPC_EXPLORED"
    NPC_RESTED = "NPC_RESTED"
    NPC_CREATED = "NPC_CREATED"
    NPC_PURSUED_GOAL = "NPC_PURSUED_GOAL"
    NPC_TOOK_OBJECT = "NPC_TOOK_OBJECT"  # picked up a thing lying here; payload owner_id, stolen
    NPC_GAVE_OBJECT = "NPC_GAVE_OBJECT"  # handed a carried thing to someone here (receiver_id)
    NPC_USED_OBJECT = "NPC_USED_OBJECT"  # used a thing carried or lying here; payload effect
    NPC_DROPPED_OBJECT = "NPC_DROPPED_OBJECT"  # left a carried thing here
    NPC_CONFRONTED = "NPC_CONFRONTED"  # a clash: heated words with a rival (target_id)
    SPECTRA_MOVE_ACTION = "SPECTRA_MOVE_ACTION"
    SPECTRA_MOVED = "SPECTRA_MOVED"
    SPECTRA_TALKED = "SPECTRA_TALKED"
    SPECTRA_EXPLORED = "SPECTRA_EXPLORED"
    SPECTRA_RESTED = "SPECTRA_RESTED"
    SPECTRA_CREATED = "SPECTRA_CREATED"
    SPECTRA_PURSUED_GOAL = "SPECTRA_PURSUED_GOAL"
    SPECTRA_TOOK_OBJECT = "SPECTRA_TOOK_OBJECT"
    SPECTRA_GAVE_OBJECT = "SPECTRA_GAVE_OBJECT"
    SPECTRA_USED_OBJECT = "SPECTRA_USED_OBJECT"
    SPECTRA_DROPPED_OBJECT = "SPECTRA_DROPPED_OBJECT"
    SPECTRA_CONFRONTED = "SPECTRA_CONFRONTED"
    SPECTRA_EMOTION_CHANGED = "SPECTRA_EMOTION_CHANGED"
    SPECTRA_EXPRESSED = "SPECTRA_EXPRESSED"  # an idle behaviour: humming, pacing, ...
    SPECTRA_STATUS_CHANGED = "SPECTRA_STATUS_CHANGED"  # what clients show of her changed
    NPC_EMOTION_CHANGED = "NPC_EMOTION_CHANGED"
    ENVIRONMENT_UPDATE = "ENVIRONMENT_UPDATE"
    TIME_OF_DAY_CHANGED = "TIME_OF_DAY_CHANGED"
    # Players
    PLAYER_JOINED = "PLAYER_JOINED"
    PLAYER_MOVED = "PLAYER_MOVED"
    PLAYER_SPOKE = "PLAYER_SPOKE"
    PLAYER_INTERACTED = "PLAYER_INTERACTED"
    PLAYER_WAITED = "PLAYER_WAITED"
    PLAYER_TOOK_OBJECT = "PLAYER_TOOK_OBJECT"
    PLAYER_GAVE_OBJECT = "PLAYER_GAVE_OBJECT"
    PLAYER_USED_OBJECT = "PLAYER_USED_OBJECT"
    PLAYER_DROPPED_OBJECT = "PLAYER_DROPPED_OBJECT"
    # Minds (world.minds): goals, daily plans
    GOAL_ADOPTED = "GOAL_ADOPTED"  # payload goal_id, title, source (need, faction, event, seed, life)
    GOAL_ACHIEVED = "GOAL_ACHIEVED"
    GOAL_FAILED = "GOAL_FAILED"  # payload reason: deadline, object_gone
    DAY_PLANNED = "DAY_PLANNED"  # a character's plan for the day (entries)
    PLAN_REVISED = "PLAN_REVISED"  # re-planned after something important (reason)
    # Quests (narrative.quests)
    QUEST_STARTED = "QUEST_STARTED"  # the world started an emergent quest
    QUEST_ACCEPTED = "QUEST_ACCEPTED"
    QUEST_ABANDONED = "QUEST_ABANDONED"
    QUEST_STEP_COMPLETED = "QUEST_STEP_COMPLETED"
    QUEST_COMPLETED = "QUEST_COMPLETED"
    QUEST_FAILED = "QUEST_FAILED"
    # Factions (narrative.factions)
    FACTION_RELATION_CHANGED = "FACTION_RELATION_CHANGED"  # a stance other than the one last told
    FACTION_STATUS_CHANGED = "FACTION_STATUS_CHANGED"  # a faction's status or power moved

    SPEECH = frozenset({NPC_TALKED, SPECTRA_TALKED, PLAYER_SPOKE})
    TALK = frozenset({NPC_TALKED, SPECTRA_TALKED})  # the world's own characters speaking
    ARRIVALS = frozenset({NPC_MOVED, SPECTRA_MOVED, PLAYER_MOVED, PLAYER_JOINED})
    CREATIONS = frozenset({NPC_CREATED, SPECTRA_CREATED})
    EMOTION_CHANGES = frozenset({NPC_EMOTION_CHANGED, SPECTRA_EMOTION_CHANGED})
    OBJECT_TAKEN = frozenset({NPC_TOOK_OBJECT, SPECTRA_TOOK_OBJECT, PLAYER_TOOK_OBJECT})
    OBJECT_GIVEN = frozenset({NPC_GAVE_OBJECT, SPECTRA_GAVE_OBJECT, PLAYER_GAVE_OBJECT})
    OBJECT_USED = frozenset({NPC_USED_OBJECT, SPECTRA_USED_OBJECT, PLAYER_USED_OBJECT})
    OBJECT_DROPPED = frozenset({NPC_DROPPED_OBJECT, SPECTRA_DROPPED_OBJECT, PLAYER_DROPPED_OBJECT})
    OBJECT_EVENTS = OBJECT_TAKEN | OBJECT_GIVEN | OBJECT_USED | OBJECT_DROPPED
    CLASHES = frozenset({NPC_CONFRONTED, SPECTRA_CONFRONTED})
    QUESTS = frozenset(
        {QUEST_STARTED, QUEST_ACCEPTED, QUEST_ABANDONED, QUEST_STEP_COMPLETED, QUEST_COMPLETED, QUEST_FAILED}
    )
    FACTIONS = frozenset({FACTION_RELATION_CHANGED, FACTION_STATUS_CHANGED})


class Mood:
    """Every mood a feeling is read as (spectra.emotion places each in PAD space). Every app
    names moods from here; each mood table (hue, light, words, leanings) has an entry for all
    of them (tests/spectra/test_emotion.py)."""

    CALM = "calm"
    JOY = "joy"
    INTENSITY = "intensity"
    MELANCHOLY = "melancholy"
    CURIOSITY = "curiosity"
    UNEASE = "unease"
    WONDER = "wonder"
    WARMTH = "warmth"  # affection: where liking, gratitude and admiration point
    ANGER = "anger"  # hostile: unpleasant, stirred, defiant (where the emotion anger points)
    ALOOFNESS = "aloofness"  # disdainful: unpleasant, quiet, unbending (a sour, proud temper)
    CONTENTMENT = "contentment"  # docile: pleasant, quiet, yielding

    ALL = (CALM, JOY, INTENSITY, MELANCHOLY, CURIOSITY, UNEASE, WONDER, WARMTH, ANGER, ALOOFNESS, CONTENTMENT)
    WARM = frozenset({JOY, WONDER, WARMTH})  # kind words come from these
    HEATED = frozenset({INTENSITY, UNEASE, ANGER})  # quarrels and clashes from these


# A character's personality: the Big Five, each 0..1 (0.5 when unset).
PERSONALITY_TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")


# The emotion of a feeling caught from another (spectra.emotion.empathy): its cause names whose
# feeling it was ("Vess Lorne's unease"), not an event type.
EMPATHY = "empathy"

# The emotion of a dream (spectra.dreaming): a sleeper feels a memory again; its cause names the
# memory ("a dream (I felt fear at a clash.)"). A dream leaves no memory of its own.
DREAM = "dream"
