"""A place's environment as players perceive it: the designer's base (light, color, sound)
tinted by whatever resonates there now (Spectra's mood, written by the spectra app into
`Location.resonance`). Pure functions."""

from __future__ import annotations

from typing import Any


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def mix_colors(base: str, tint: str, weight: float) -> str:
    """`weight` of the way from `base` to `tint` (0: base, 1: tint), as #rrggbb."""
    weight = max(0.0, min(1.0, weight))
    mixed = (round(b + (t - b) * weight) for b, t in zip(_rgb(base), _rgb(tint), strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def effective_environment(*, light: float, color: str, sound: str, resonance: dict[str, Any] | None) -> dict:
    """What is perceived: the base, pulled toward the resonance by its weight."""
    weight = float((resonance or {}).get("weight", 0.0))
    if weight <= 0.0:
        return {"light": light, "color": color, "sound": sound}
    tint_light = float(resonance.get("light", light))
    return {
        "light": round(max(0.0, min(1.0, light + (tint_light - light) * weight)), 3),
        "color": mix_colors(color, resonance.get("color", color), weight),
        "sound": resonance.get("sound") or sound if weight >= 0.5 else sound,
        "resonance": {"mood": resonance.get("mood"), "weight": round(weight, 3)},
    }
