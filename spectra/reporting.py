"""What the liveliness report (`world.reporting`) learns of Spectra: her active goals after
each tick, and at the end the goals she achieved. Registered in `spectra.apps`."""

from __future__ import annotations

from spectra.models import SpectraGoal
from world.models import Character
from world.reporting.history import AchievedGoal


def spectra_goals_sample() -> dict:
    """Her active goals now, and the titles of those achieved so far (one query)."""
    rows = SpectraGoal.objects.filter(
        character__kind=Character.Kind.SPECTRA,
        status__in=[SpectraGoal.Status.ACTIVE, SpectraGoal.Status.ACHIEVED],
    ).values_list("title", "status")
    rows = sorted(rows)
    return {
        "spectra_active_goals": sum(status == SpectraGoal.Status.ACTIVE for _, status in rows),
        "spectra_achieved_titles": tuple(title for title, status in rows if status == SpectraGoal.Status.ACHIEVED),
    }


def spectra_goals_final(*, first_tick: int) -> dict:
    """The goals she has achieved, when, and the change in the world that achieved each
    (`SpectraGoal.achieved_when`; none for a goal of counters)."""
    achieved = (
        SpectraGoal.objects.filter(character__kind=Character.Kind.SPECTRA, status=SpectraGoal.Status.ACHIEVED)
        .order_by("id")
        .values_list("title", "achieved_tick", "achieved_when")
    )
    return {
        "spectra_goals_achieved": tuple(
            AchievedGoal(title=title, tick=tick, world_change=world_change_text(when)) for title, tick, when in achieved
        )
    }


def world_change_text(achieved_when: dict | None) -> str:
    """`{"hear": "drowned-bell"}` → "hear drowned-bell" ("" when nothing in the world was asked)."""
    return ", ".join(f"{verb} {what}" for verb, what in sorted((achieved_when or {}).items()))
