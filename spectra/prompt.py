"""What a speaker knows, as lines of a language model's system prompt (pure): the same
`Knowledge` the offline composer answers from, so both providers know the same world."""

from __future__ import annotations

from narrative.factions.relations import stance_for
from spectra.knowledge import SECRET_TRUST, Kind, Knowledge
from spectra.wording import predicate, role_of

PROMPT_LINES_PER_KIND = 40  # a big world's prompt stays a prompt


def knowledge_lines(knowledge: Knowledge, *, speaker_id: int, listener_id: int) -> list[str]:
    """The places (region and roads), people (who, where, what you think of them), factions
    (your faction's stance), lore you know, and quests, as prompt lines."""
    lines: list[str] = []
    name_of = knowledge.place_name
    if knowledge.places:
        roads: dict[int, list[str]] = {}
        for path in knowledge.paths:
            roads.setdefault(path.source_id, []).append(name_of(path.target_id))
            if path.two_way:
                roads.setdefault(path.target_id, []).append(name_of(path.source_id))
        lines.append("Places you know (region; roads lead to):")
        for place in knowledge.places[:PROMPT_LINES_PER_KIND]:
            leads_to = ", ".join(sorted(roads.get(place.id, []))) or "nowhere"
            lines.append(f"- {place.name} ({place.region or 'no region'}; roads to {leads_to})")
    people = [person for person in knowledge.people if person.id not in (speaker_id, listener_id)]
    if people:
        lines.append("People you know of (who they are; faction; where they are now; what you think of them):")
        for person in people[:PROMPT_LINES_PER_KIND]:
            faction = knowledge.get(Kind.FACTION, person.faction_id)
            regard = (
                f"affinity {person.regard.affinity:+.1f}, trust {person.regard.trust:+.1f}"
                if person.regard
                else "no opinion yet"
            )
            lines.append(
                f"- {person.name}: {role_of(person.description) if person.description else 'a local'}; "
                f"{faction.name if faction else 'no faction'}; at {name_of(person.place_id) or 'somewhere'}; {regard}"
            )
    present, others = knowledge.company()
    if present:
        names = [person.name for person in present]
        lines.append(f"Here with you now: {', '.join(names)}{f' and {others} more' if others > 0 else ''}.")
    else:
        lines.append("No one else is here but the traveller.")
    if knowledge.factions:
        own = knowledge.get(Kind.FACTION, knowledge.speaker_faction_id)
        lines.append(f"Factions ({f'you belong to {own.name}' if own else 'you belong to none'}):")
        for faction in knowledge.factions[:PROMPT_LINES_PER_KIND]:
            stance = "" if faction.standing is None else f"; your faction is {stance_for(faction.standing)} toward them"
            lines.append(f"- {faction.name}: {predicate(faction.description) or 'a faction'}{stance}")
    known = [entry for entry in knowledge.lore if entry.known]
    if known:
        lines.append("Lore you know (secrets: tell them only to someone you trust):")
        for entry in known[:PROMPT_LINES_PER_KIND]:
            secret = " [secret]" if entry.secret else ""
            lines.append(f"- {entry.title}{secret}: {entry.summary or entry.body[:200]}")
        if knowledge.player_trust < SECRET_TRUST:
            lines.append("You do not trust this traveller with secrets yet.")
    if knowledge.quests:
        lines.append("Quests (the traveller's next step, or who offers them):")
        for quest in knowledge.quests[:PROMPT_LINES_PER_KIND]:
            giver = knowledge.get(Kind.PERSON, quest.giver_id)
            if quest.held_step:
                lines.append(f"- {quest.title}: the traveller holds it; next step: {quest.held_step}")
            elif quest.giver_id == speaker_id:
                first = quest.steps[0] if quest.steps else "ask you"
                lines.append(f"- {quest.title} (you offer it): {quest.description} First step: {first}")
            else:
                lines.append(f"- {quest.title}: offered by {giver.name if giver else 'someone'}")
    return lines
