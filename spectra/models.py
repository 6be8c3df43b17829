"""Spectra's data: the emotion table designers tune (OCC emotions as pleasure/arousal/
dominance impulses, and which events stir them), the emotional history of Spectra and the
NPCs, and Spectra's mind (thoughts, idle behaviours, goals)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from htrae.models import TimeStampedModel, history_link

_UNIT = [MinValueValidator(-1.0), MaxValueValidator(1.0)]


class EmotionType(models.Model):
    """An OCC emotion and where it pulls the pleasure/arousal/dominance state (after ALMA)."""

    name = models.SlugField(max_length=40, unique=True)
    pleasure = models.FloatField(validators=_UNIT)
    arousal = models.FloatField(validators=_UNIT)
    dominance = models.FloatField(validators=_UNIT)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pleasure__gte=-1, pleasure__lte=1)
                & Q(arousal__gte=-1, arousal__lte=1)
                & Q(dominance__gte=-1, dominance__lte=1),
                name="emotion_type_pad_in_unit_cube",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pleasure:+.2f}, {self.arousal:+.2f}, {self.dominance:+.2f})"


class AppraisalRule(models.Model):
    """When a character perceives an event of `event_type` in `role`, it feels `emotion`.

    Roles: `actor` (it did it), `addressed` (it was spoken to or turned to), `witness` (it
    happened where the character is).
    """

    class Role(models.TextChoices):
        ACTOR = "actor", "Did it"
        ADDRESSED = "addressed", "Was spoken to / turned to"
        WITNESS = "witness", "Saw it happen here"

    class AppliesTo(models.TextChoices):
        SPECTRA = "spectra", "Spectra"
        NPC = "npc", "NPCs"
        ANY = "any", "Anyone"

    class Condition(models.TextChoices):
        ALWAYS = "", "Always"
        GOAL_ADVANCED = "goal_advanced", "It advances one of the character's goals"
        GOAL_THREATENED = "goal_threatened", "It threatens one of the character's goals"
        PRAISED = "praised", "The deed meets the character's standards"
        BLAMED = "blamed", "The deed offends the character's standards"
        LIKED = "liked", "The character likes who or what it is about"
        DISLIKED = "disliked", "The character dislikes who or what it is about"
        LOVED = "loved", "The character loves who it is about"
        HATED = "hated", "The character hates who it is about"
        WEARY = "weary", "The character is tired (low energy or in need of rest)"
        RESTED = "rested", "The character is fresh"
        FULFILLED = "fulfilled", "The character's need of purpose is met (its work done)"
        UNFULFILLED = "unfulfilled", "The character's need of purpose is unmet (its work undone)"

    event_type = models.CharField(
        max_length=64, help_text="e.g. PLAYER_SPOKE, TIME_OF_DAY_CHANGED:dawn, or * for any event"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    applies_to = models.CharField(max_length=8, choices=AppliesTo.choices, default=AppliesTo.ANY)
    condition = models.CharField(
        max_length=16,
        choices=Condition.choices,
        default=Condition.ALWAYS,
        blank=True,
        help_text="What the event must mean to the character (OCC appraisal); the intensity scales with how much.",
    )
    emotion = models.ForeignKey(EmotionType, on_delete=models.CASCADE, related_name="rules")
    intensity = models.FloatField(default=0.5, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["event_type", "role"]
        constraints = [
            models.CheckConstraint(condition=Q(intensity__gte=0, intensity__lte=1), name="appraisal_intensity_0_to_1"),
            models.UniqueConstraint(
                fields=["event_type", "role", "applies_to", "condition"],
                name="appraisal_rule_unique_condition",
                violation_error_message="A rule for this event, role, kind of character and condition exists.",
            ),
        ]

    def __str__(self) -> str:
        when = f" if {self.condition}" if self.condition else ""
        return f"{self.event_type} as {self.role} ({self.applies_to}){when} → {self.emotion.name} at {self.intensity}"


class Standard(models.Model):
    """A norm characters judge deeds by (OCC praiseworthiness): doing `event_type` is
    praiseworthy (praise > 0) or blameworthy (< 0) to the members of `faction`, or to those
    high in a personality `trait` (weighted by how far the trait is from the middle, so those
    low in it judge the other way)."""

    class Trait(models.TextChoices):
        NONE = "", "—"
        OPENNESS = "openness", "Openness"
        CONSCIENTIOUSNESS = "conscientiousness", "Conscientiousness"
        EXTRAVERSION = "extraversion", "Extraversion"
        AGREEABLENESS = "agreeableness", "Agreeableness"
        NEUROTICISM = "neuroticism", "Neuroticism"

    event_type = models.CharField(max_length=64, help_text="The deed, e.g. NPC_CREATED, or * for any.")
    faction = models.ForeignKey(
        "narrative.Faction", on_delete=models.CASCADE, null=True, blank=True, related_name="standards"
    )
    trait = models.CharField(max_length=20, choices=Trait.choices, blank=True, default="")
    praise = models.FloatField(validators=_UNIT, help_text="-1 (shameful) to 1 (admirable).")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["event_type", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(praise__gte=-1, praise__lte=1), name="standard_praise_in_range"),
            models.CheckConstraint(
                condition=(Q(faction__isnull=False) & Q(trait="")) | (Q(faction__isnull=True) & ~Q(trait="")),
                name="standard_faction_xor_trait",
                violation_error_message="A standard is held either by a faction or by a personality trait.",
            ),
            models.UniqueConstraint(fields=["event_type", "faction", "trait"], name="standard_unique"),
        ]

    def __str__(self) -> str:
        holder = self.faction.name if self.faction_id else f"high {self.trait}"
        return f"{holder}: {self.event_type} {self.praise:+.2f}"


class EmotionSample(models.Model):
    """A point of a character's emotional arc: Spectra's every tick, an NPC's on mood changes."""

    character = history_link(
        "world.Character", on_delete=models.CASCADE, related_name="emotion_samples", db_index=False
    )
    tick = models.BigIntegerField()
    world_time = models.DateTimeField()
    timestamp = models.DateTimeField(auto_now_add=True)
    mood = models.CharField(max_length=20)
    pleasure = models.FloatField()
    arousal = models.FloatField()
    dominance = models.FloatField()
    intensity = models.FloatField()
    cause = models.CharField(max_length=120, blank=True, help_text="What moved it most, e.g. PLAYER_SPOKE.")

    class Meta:
        ordering = ["character", "tick", "id"]
        indexes = [
            models.Index(fields=["character", "timestamp"], name="emotion_sample_char_time"),
            models.Index(fields=["tick"], name="emotion_sample_tick"),  # the retention policy's cut
        ]

    def __str__(self) -> str:
        return f"{self.character_id} @ {self.tick}: {self.mood}"


class SpectraMind(TimeStampedModel):
    """What Spectra is thinking and doing beyond her emotions (one row)."""

    character = models.OneToOneField("world.Character", on_delete=models.CASCADE, related_name="mind")
    thoughts = models.JSONField(default=list, blank=True, help_text="Her latest thoughts, newest last.")
    expression = models.JSONField(default=dict, blank=True, help_text="Her latest idle behaviour.")
    expression_log = models.JSONField(
        default=dict, blank=True, help_text="Tick each idle behaviour was last shown (for cooldowns)."
    )
    status_fingerprint = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"Mind of {self.character}"


class SpectraGoal(TimeStampedModel):
    """One of Spectra's goals: what she works toward, how much it matters, how far along it is."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        SET_ASIDE = "set_aside", "Set aside"

    character = models.ForeignKey(
        "world.Character", on_delete=models.CASCADE, related_name="spectra_goals", db_index=False
    )
    title = models.CharField(max_length=200)
    priority = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(10)])
    progress = models.FloatField(default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    advanced_by = models.JSONField(
        default=dict,
        blank=True,
        help_text='Event types that move it forward and by how much, e.g. {"SPECTRA_TALKED": 0.02}.',
    )
    achieved_when = models.JSONField(
        default=dict,
        blank=True,
        help_text="A change in the world that achieves it (then counters alone never do): "
        '{"hear": "<object slug>"} (it is used where she stands), {"hold": "<object slug>"}, '
        '{"use": "<object slug>"}, {"receive": true} (someone gives her a thing). Empty: counters only.',
    )
    pursue = models.JSONField(
        default=dict,
        blank=True,
        help_text='How she pursues it: {"verb": "use|take|visit|talk", "object": "<slug>", "location": "<slug>"}.',
    )
    achieved_tick = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=1), name="spectra_goal_progress_0_to_1"),
            models.UniqueConstraint(fields=["character", "title"], name="spectra_goal_unique_title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.progress:.0%})"
