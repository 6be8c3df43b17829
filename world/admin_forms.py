"""The character's form in the admin: personality, needs and goals as fields with their
ranges, checked before anything is saved; the JSON columns stay the storage.

Keys the form does not know (a trait or need another app added) are kept as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.html import format_html

from htrae.vocabulary import PERSONALITY_TRAITS
from world.autonomy.state import NEED_NAMES
from world.models import Character

MAX_GOALS = 10
MAX_GOAL_LENGTH = 200

_mood_color: Callable[[dict], str | None] | None = None


def register_mood_color(color_of: Callable[[dict], str | None]) -> None:
    """How a feeling looks (its Mood Ring colour, #rrggbb), given by the app that owns feelings
    (spectra), so the world's admin shows it without importing that app."""
    global _mood_color
    _mood_color = color_of


def mood_color(emotional_state: dict | None) -> str | None:
    if not emotional_state or _mood_color is None:
        return None
    try:
        return _mood_color(emotional_state)
    except (KeyError, TypeError, ValueError):  # a hand-made or partial state: no colour
        return None


def mood_badge(emotional_state: dict | None):
    """The mood's name on its colour (a swatch), or a dash."""
    mood = (emotional_state or {}).get("mood")
    if not mood:
        return "—"
    color = mood_color(emotional_state) or "#cccccc"
    return format_html(
        '<span style="display:inline-block;width:1em;height:1em;border:1px solid #999;border-radius:50%;'
        'vertical-align:middle;background:{}" title="{}"></span> {}',
        color,
        color,
        mood,
    )


def _unit_field(label: str, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0.0,
        max_value=1.0,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "style": "width:6em"}),
    )


def trait_field_name(trait: str) -> str:
    return f"personality_{trait}"


def need_field_name(need: str) -> str:
    return f"need_{need}"


class _CharacterFormBase(forms.ModelForm):
    goals_text = forms.CharField(
        label="goals",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=f"One goal a line (at most {MAX_GOALS}, each up to {MAX_GOAL_LENGTH} characters).",
    )

    class Meta:
        model = Character
        # personality, needs and goals are the typed fields below; the feeling and the plan
        # are the tick's to write.
        fields = ["name", "slug", "kind", "faction", "location", "is_active", "description", "energy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        personality = self.instance.personality or {}
        needs = self.instance.needs or {}
        for trait in PERSONALITY_TRAITS:
            self.initial.setdefault(trait_field_name(trait), personality.get(trait))
        for need in NEED_NAMES:
            self.initial.setdefault(need_field_name(need), needs.get(need))
        self.initial.setdefault("goals_text", "\n".join(str(goal) for goal in self.instance.goals or []))

    def clean_goals_text(self) -> list[str]:
        goals = [line.strip() for line in self.cleaned_data["goals_text"].splitlines() if line.strip()]
        if len(goals) > MAX_GOALS:
            raise forms.ValidationError(f"At most {MAX_GOALS} goals.")
        if any(len(goal) > MAX_GOAL_LENGTH for goal in goals):
            raise forms.ValidationError(f"A goal is at most {MAX_GOAL_LENGTH} characters.")
        return goals

    def _post_clean(self):
        # Before the model's own validation, so its checks see the values to be saved.
        if not self.errors:
            self.instance.personality = _merged(
                self.instance.personality, {t: self.cleaned_data.get(trait_field_name(t)) for t in PERSONALITY_TRAITS}
            )
            self.instance.needs = _merged(
                self.instance.needs, {n: self.cleaned_data.get(need_field_name(n)) for n in NEED_NAMES}
            )
            self.instance.goals = self.cleaned_data.get("goals_text", [])
        super()._post_clean()


# One field a trait and a need, declared on the class (the admin builds its form from the
# declared fields the fieldsets name).
CharacterAdminForm = type(
    "CharacterAdminForm",
    (_CharacterFormBase,),
    {
        "__doc__": "A ModelForm whose personality, needs and goals are typed fields (see the module).",
        "__module__": __name__,
        **{trait_field_name(t): _unit_field(t, "0 to 1; empty: an average 0.5.") for t in PERSONALITY_TRAITS},
        **{need_field_name(n): _unit_field(n, "0 (met) to 1 (urgent); empty: not felt.") for n in NEED_NAMES},
    },
)


def _merged(stored: dict | None, edited: dict[str, float | None]) -> dict:
    """The stored dict with the form's keys set (or removed when left empty), others kept."""
    merged = dict(stored or {})
    for key, value in edited.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
