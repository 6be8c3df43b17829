"""Telling the facts (pure): the sentences that answer what a player asked of a place, a
person, a faction, a lore entry, a quest or a thing, from the speaker's `Knowledge`.

- where: a place's region, the way there from the speaker's place (`route_between`: the
  places passed and the walk) and what it looks like; where a person is now, who holds a
  thing, a faction's seat;
- about / who: what a place looks like, who someone is (their faction and place, and what the
  speaker thinks of them), a faction (the speaker's faction's stance, what they are), a lore
  entry (its first sentences; asked again, the rest; a secret only for the trusted, and only
  if the speaker is in on it), a quest (offered by the speaker, by whom, or the player's next
  step), a thing;
- opinion: the speaker's regard of a person, its faction's stance, a place as it feels to it;
- stories: a tale the speaker knows, its own first, not the same twice.

The `Teller` chooses among a fact's framings with the composer's `pick` (seeded, avoiding
what was said before in the conversation): the facts are the world's, the framing varies.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from htrae.text import STOP_WORDS
from narrative.factions.relations import stance_for
from spectra.knowledge import (
    SECRET_TRUST,
    FactionFact,
    Kind,
    Knowledge,
    LoreFact,
    ObjectFact,
    PersonFact,
    PlaceFact,
    QuestFact,
    route_between,
)
from spectra.reply_grammar import SHIPPED, Voices, lead_in
from spectra.wording import hours_said, in_own_voice, listed, lower_first, predicate, sentence, sentences_of

MINUTES_PER_TRAVEL_TICK = 30  # a path's cost in ticks, at the seed's pace (30 s of 60x time)


class Teller:
    """The facts a speaker tells, framed in its voice."""

    def __init__(
        self,
        *,
        knowledge: Knowledge,
        pick: Callable[..., str],
        voice: Callable[[Sequence[str], Sequence[str]], Sequence[str]],
        rng: random.Random,
        mood: str,
        said_before: Sequence[str],
        voices_now: Voices = SHIPPED,
    ) -> None:
        self.knowledge = knowledge
        self.pick = pick
        self.voice = voice
        self.v = voices_now  # the phrase tables as the designers' grammar words them
        self.rng = rng
        self.mood = mood
        self.said_before = said_before

    def route(self, place_id: int | None) -> str:
        here = self.knowledge.speaker_place_id
        if place_id is None or here is None:
            return ""
        name = self.knowledge.place_name(place_id)
        if place_id == here:
            return self.pick(self.v.NPC_WHERE_HERE, place=name)
        found = route_between(self.knowledge.paths, here, place_id)
        if found is None:
            return self.pick(self.v.NO_ROUTE, name=name)
        way, cost = found
        hours = cost * MINUTES_PER_TRAVEL_TICK / 60
        walk = "under an hour's walk" if hours < 1 else f"about {hours_said(hours)} on foot"
        stops = [self.knowledge.place_name(stop) for stop in way[:-1]]
        if not stops:
            return self.pick(self.v.ROUTE_STRAIGHT, name=name, walk=walk)
        return self.pick(self.v.ROUTE_VIA, stops=listed(stops), name=name, walk=walk)

    def where(self, fact) -> list[str]:
        knowledge = self.knowledge
        if isinstance(fact, PlaceFact):
            region = self.pick(self.v.PLACE_REGION, name=fact.name, region=fact.region) if fact.region else ""
            told = [region, self.route(fact.id)]
            if fact.id != knowledge.speaker_place_id and fact.description:
                told.append(sentences_of(fact.description)[0])
            return [line for line in told if line]
        if isinstance(fact, PersonFact):
            if fact.place_id is None:
                return [f"I couldn't say where {fact.name} is just now."]
            place = knowledge.place_name(fact.place_id)
            if fact.place_id == knowledge.speaker_place_id:
                return [self.pick(self.v.NPC_PERSON_HERE, name=fact.name, place=place)]
            return [self.pick(self.v.PERSON_AT, name=fact.name, place=place), self.route(fact.place_id)]
        if isinstance(fact, ObjectFact):
            if fact.holder_id is not None:
                holder = knowledge.get(Kind.PERSON, fact.holder_id)
                if holder is None:
                    return [f"Someone carries {fact.name} now; I couldn't say who."]
                told = [f"{holder.name} has {fact.name}."]
                if holder.place_id is not None:
                    told.append(f"{holder.name} is at {knowledge.place_name(holder.place_id)} these days.")
                return told
            if fact.place_id is not None:
                return [f"{fact.name} lies at {knowledge.place_name(fact.place_id)}.", self.route(fact.place_id)]
            return [f"Nobody knows where {fact.name} is now."]
        if isinstance(fact, FactionFact) and fact.home_id is not None:
            home = knowledge.place_name(fact.home_id)
            return [f"{fact.name} keep to {home}.", self.route(fact.home_id)]
        if isinstance(fact, QuestFact):
            return self.quest_told(fact)
        if isinstance(fact, LoreFact) and fact.place_ids:
            place = knowledge.get(Kind.PLACE, fact.place_ids[0])
            return self.where(place) if place else self.about(fact)
        return self.about(fact)

    def about(self, fact) -> list[str]:
        if isinstance(fact, LoreFact):
            return self.lore(fact)
        if isinstance(fact, PersonFact):
            return self.who(fact)
        if isinstance(fact, FactionFact):
            return [*self.faction_stance(fact), *self.faction_detail(fact)][:2]
        if isinstance(fact, PlaceFact):
            told = sentences_of(fact.description)[:2] if fact.description else []
            return told or self.where(fact)
        if isinstance(fact, QuestFact):
            return self.quest_told(fact)
        if isinstance(fact, ObjectFact):
            return [*(sentences_of(fact.description)[:1]), *self.where(fact)[:1]]
        return [self.pick(self.voice(self.v.NPC_DONT_KNOW, self.v.SPECTRA_DONT_KNOW))]

    def who(self, person: PersonFact) -> list[str]:
        knowledge = self.knowledge
        what = predicate(person.description)
        told = [
            self.pick(self.v.WHO_IS, name=person.name, what=what, What=what[:1].upper() + what[1:])
            if what
            else f"{person.name} lives hereabouts."
        ]
        faction = knowledge.get(Kind.FACTION, person.faction_id)
        place = knowledge.place_name(person.place_id)
        if faction and place:
            told.append(self.pick(self.v.MEMBER_AT, faction=faction.name, Faction=faction.name, place=place))
        elif place:
            told.append(f"You'll find {object_pronoun(person)} at {place} these days.")
        if person.regard is not None:
            told.append(self.regard(person))
        return told

    def regard(self, person: PersonFact) -> str:
        regard, name = person.regard, person.name
        if regard.affinity >= 0.5:
            liking = f"I'm very fond of {name}"
        elif regard.affinity >= 0.15:
            liking = f"I like {name} well enough"
        elif regard.affinity > -0.15:
            liking = f"I've no strong feelings about {name}"
        elif regard.affinity > -0.5:
            liking = f"I don't much care for {name}"
        else:
            liking = f"I can't abide {name}"
        warm = regard.affinity > -0.15
        them = object_pronoun(person)
        if regard.trust >= 0.4:
            trust = f"and I trust {them}" if warm else f"though I'll grant I trust {them}"
        elif regard.trust <= -0.3:
            trust = f"but I don't trust {them}" if warm else f"and I don't trust {them} an inch"
        else:
            trust = ""
        return sentence(f"{liking}, {trust}" if trust else liking)

    def opinion(self, fact) -> list[str]:
        if isinstance(fact, PersonFact):
            if fact.regard is None:
                what = predicate(fact.description)
                return [f"I hardly know {fact.name}.", *([f"They say {fact.name} is {what}."] if what else [])]
            return [self.regard(fact), *self.who(fact)[:1]]
        if isinstance(fact, FactionFact):
            return [*self.faction_stance(fact), *self.faction_detail(fact)][:2]
        if isinstance(fact, PlaceFact):
            feeling = self.pick(self.voice(self.v.NPC_FEELINGS, self.v.SPECTRA_FEELINGS)[self.mood])
            first = sentences_of(fact.description)[0].rstrip(".") if fact.description else f"{fact.name} is {fact.name}"
            return [sentence(f"{first}, {feeling}")]
        return self.about(fact)

    def faction_stance(self, faction: FactionFact) -> list[str]:
        own = self.knowledge.speaker_faction_id
        fill = {"faction": faction.name, "Faction": faction.name}
        if own is not None and faction.id == own:
            return [self.pick(self.v.OWN_FACTION, **fill)]
        if faction.standing is not None:
            return [self.pick(self.v.FACTION_STANCES[stance_for(faction.standing)], **fill)]
        return []

    def faction_detail(self, faction: FactionFact) -> list[str]:
        told = []
        if faction.description:
            first = sentences_of(faction.description)[0]
            opening = first.split()[0].lower()
            told.append(f"They're {lower_first(first) if opening in STOP_WORDS or first[1:2].islower() else first}")
        home = self.knowledge.place_name(faction.home_id)
        if home:
            told.append(f"Their seat is {home}.")
        return [sentence(line) for line in told]

    def lore(self, entry: LoreFact) -> list[str]:
        if not entry.known:
            return [self.pick(self.voice(self.v.NPC_DONT_KNOW, self.v.SPECTRA_DONT_KNOW))]
        if entry.secret and self.knowledge.player_trust < SECRET_TRUST:
            return [self.pick(self.voice(self.v.NPC_SECRET_KEPT, self.v.SPECTRA_SECRET_KEPT))]
        told = sentences_of(entry.body) or [sentence(entry.summary)]
        first = told[:2]
        if first and first[0] in self.said_before:  # asked again: the rest of the tale
            rest = told[2:]
            if rest:
                more = self.pick(self.voice(self.v.NPC_MORE, self.v.SPECTRA_MORE))
                return [lead_in(more, rest[0]), *rest[1:2]]
        return first

    def quest_told(self, quest: QuestFact) -> list[str]:
        knowledge = self.knowledge
        if quest.held_step:
            return [self.pick(self.v.NEXT_STEP, title=quest.title, step=lower_first(quest.held_step))]
        told = sentences_of(quest.description)[:1]
        if quest.giver_id == knowledge.speaker_id:
            # An emergent quest is written about its holder ("Lisel Brack: Teach ..."): the
            # holder offering it says it as its own errand.
            me = knowledge.get(Kind.PERSON, knowledge.speaker_id)
            title = in_own_voice(quest.title, me.name) if me is not None else quest.title
            if title != quest.title:
                task = title if title.startswith("I ") else lower_first(title)
                told = [self.pick(self.v.TASK_OFFERED_OWN, task=task), *(in_own_voice(t, me.name) for t in told)]
            else:
                told = [self.pick(self.v.TASK_OFFERED, title=quest.title), *told]
            if quest.steps:
                told.append(self.pick(self.v.TASK_START, step=lower_first(quest.steps[0])))
            return told
        giver = knowledge.get(Kind.PERSON, quest.giver_id)
        if giver is not None:
            where = knowledge.place_name(giver.place_id)
            at = f"; they're at {where}." if where else "."
            return [self.pick(self.v.OTHER_GIVER, giver=giver.name, title=quest.title, where=at), *told]
        return [f"{quest.title}: {lower_first(told[0])}" if told else f"There's {quest.title}, if you're willing."]

    def next_steps(self) -> list[str]:
        quests = self.knowledge.quests
        held = [quest for quest in quests if quest.held_step]
        mine = [quest for quest in quests if quest.giver_id == self.knowledge.speaker_id and not quest.held_step]
        others = [quest for quest in quests if not quest.held_step and quest.giver_id != self.knowledge.speaker_id]
        for group in (held, mine):
            if group:
                return self.quest_told(group[0])
        near = sorted(others, key=self.distance_to_giver)
        return self.quest_told(near[0]) if near else []

    def distance_to_giver(self, quest: QuestFact) -> tuple[int, int]:
        giver = self.knowledge.get(Kind.PERSON, quest.giver_id)
        here = self.knowledge.speaker_place_id
        if giver is None or giver.place_id is None or here is None:
            return (10**6, quest.id)
        found = route_between(self.knowledge.paths, here, giver.place_id) if giver.place_id != here else ((), 0)
        return (found[1] if found else 10**6, quest.id)

    def story(self) -> list[str]:
        """A tale the speaker knows: one about itself, its place or its faction first, then any
        myth or history; not one already told in this conversation."""
        knowledge = self.knowledge
        tales = [entry for entry in knowledge.lore if entry.known and not entry.secret and entry.body]
        untold = [entry for entry in tales if sentences_of(entry.body)[0] not in self.said_before] or tales
        own = [
            entry
            for entry in untold
            if knowledge.speaker_id in entry.person_ids
            or knowledge.speaker_place_id in entry.place_ids
            or knowledge.speaker_faction_id in entry.faction_ids
        ]
        tales_told = ("myth", "history")
        pool = (
            [entry for entry in own if entry.category in tales_told]
            or [entry for entry in untold if entry.category in tales_told]
            or own
            or untold
        )
        if not pool:
            return [self.pick(self.voice(self.v.NPC_DONT_KNOW, self.v.SPECTRA_DONT_KNOW))]
        entry = self.rng.choice(pool)
        return [self.pick(self.v.STORY_OPENINGS, title=entry.title), *sentences_of(entry.body)[:2]]


def object_pronoun(person: PersonFact) -> str:
    """'her' for Spectra, as the lore has it; 'them' for the rest (the world gives no one else
    a pronoun)."""
    return "her" if person.kind == "spectra" else "them"
