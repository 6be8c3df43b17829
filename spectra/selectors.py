"""Selectors of the spectra app: reading Spectra's state and the emotion table."""

from __future__ import annotations

import time
from datetime import datetime

from django.db.models import QuerySet

from spectra.appraisal import Rule, RuleBook, Standard
from spectra.emotion import feeling_from_json, intensity, mood_ring
from spectra.models import AppraisalRule, EmotionSample, SpectraGoal, SpectraMind
from spectra.models import Standard as StandardRow
from spectra.resting import baseline_from_personality
from world import sql
from world.models import Character, Location, WorldClock

HISTORY_LIMIT = 5000


_RULEBOOK_TTL_SECONDS = 5.0
_rulebook_cache: tuple[float, RuleBook] | None = None


def rulebook_get() -> RuleBook:
    """The active rules, read at most every few seconds: every published event is appraised,
    and designers' edits reach other processes soon enough (this one at once, see
    `rulebook_forget`)."""
    global _rulebook_cache
    now = time.monotonic()
    if _rulebook_cache is None or _rulebook_cache[0] < now:
        _rulebook_cache = (now + _RULEBOOK_TTL_SECONDS, rulebook_load())
    return _rulebook_cache[1]


def rulebook_forget(**_signal_kwargs) -> None:
    global _rulebook_cache
    _rulebook_cache = None


def rulebook_load() -> RuleBook:
    """The designers' active appraisal rules, the standards deeds are judged by, and the
    places' names (three queries)."""
    rules = AppraisalRule.objects.filter(is_active=True).select_related("emotion").order_by("id")
    standards = [
        Standard(
            event_key=standard.event_type, praise=standard.praise, faction_id=standard.faction_id, trait=standard.trait
        )
        for standard in StandardRow.objects.order_by("id")
    ]
    return RuleBook(
        [
            Rule(
                event_key=rule.event_type,
                role=rule.role,
                applies_to=rule.applies_to,
                emotion=rule.emotion.name,
                direction=(rule.emotion.pleasure, rule.emotion.arousal, rule.emotion.dominance),
                intensity=rule.intensity,
                condition=rule.condition,
            )
            for rule in rules
        ],
        standards,
        place_names=tuple(Location.objects.order_by("id").values_list("name", flat=True)),
    )


def spectra_get() -> Character | None:
    return Character.objects.select_related("location").filter(kind=Character.Kind.SPECTRA).first()


def emotional_state_view(emotional_state: dict | None, personality: dict | None, *, tick: int) -> dict:
    """A character's emotional state (its stored `emotional_state` and `personality`) as the
    API shows it, mood ring included."""
    baseline = baseline_from_personality(personality or {})
    feeling = feeling_from_json(emotional_state, default_tick=tick)
    if feeling is None:
        mood = (emotional_state or {}).get("mood", "calm")
        return {
            "mood": mood,
            "intensity": 0.0,
            "pleasure": 0.0,
            "arousal": 0.0,
            "dominance": 0.0,
            "color": mood_ring(mood, 0.0),
        }
    # Two decimals: what a client can show; finer drift would push a status update every tick.
    strength = round(intensity(feeling.state, baseline), 2)
    return {
        "mood": feeling.mood,
        "intensity": strength,
        "pleasure": round(feeling.state.pleasure, 2),
        "arousal": round(feeling.state.arousal, 2),
        "dominance": round(feeling.state.dominance, 2),
        "color": mood_ring(feeling.mood, strength),
    }


# Spectra, her place, her mind and the clock's tick in one statement, and her active goals in
# another: clients poll the status and every tick may push it, and building the ORM's five
# queries was most of its cost (as `world.sql` says).
_STATUS_SQL = """
    SELECT c.id, c.name, c.emotional_state, c.personality, c.energy, c.location_id, l.slug, l.name,
           (SELECT w.tick FROM world_worldclock w WHERE w.id = %s), m.id, m.expression, m.thoughts
    FROM world_character c
    JOIN world_location l ON l.id = c.location_id
    LEFT OUTER JOIN spectra_spectramind m ON m.character_id = c.id
    WHERE c.kind = %s
    ORDER BY c.id
    LIMIT 1"""
_ACTIVE_GOALS_SQL = """
    SELECT g.id, g.title, g.priority, g.progress
    FROM spectra_spectragoal g
    WHERE g.character_id = %s AND g.status = %s
    ORDER BY g.priority DESC, g.id"""


def spectra_status_get() -> dict | None:
    """Everything a client shows of Spectra (the REST status and the WebSocket update agree).
    Two queries."""
    found = sql.rows(_STATUS_SQL, [WorldClock.SINGLETON_ID, Character.Kind.SPECTRA])
    if not found:
        return None
    (spectra_id, name, state, personality, energy, location_id, slug, place, tick, mind_id, expression, thoughts) = (
        found[0]
    )
    tick = tick or 0
    has_mind = mind_id is not None
    expression = sql.converter(SpectraMind, "expression")(expression) if has_mind else None
    goals = sql.rows(_ACTIVE_GOALS_SQL, [spectra_id, SpectraGoal.Status.ACTIVE])
    return {
        "id": spectra_id,
        "name": name,
        "tick": tick,
        "emotional_state": emotional_state_view(
            sql.converter(Character, "emotional_state")(state),
            sql.converter(Character, "personality")(personality),
            tick=tick,
        ),
        "expression": expression or None,
        "thoughts": list(reversed(sql.converter(SpectraMind, "thoughts")(thoughts))) if has_mind else [],
        "goals": [
            {"id": goal_id, "title": title, "priority": priority, "progress": round(progress, 3)}
            for goal_id, title, priority, progress in goals
        ],
        "location": {"id": location_id, "slug": slug, "name": place},
        "energy": energy,
    }


def emotion_history_qs(*, character: Character, since: datetime) -> QuerySet:
    """A character's emotional arc since a moment, one row per sample (with its `id`), for
    paging oldest first by (`timestamp`, `id`)."""
    return EmotionSample.objects.filter(character=character, timestamp__gte=since).values(
        "id", "tick", "world_time", "timestamp", "mood", "pleasure", "arousal", "dominance", "intensity", "cause"
    )
