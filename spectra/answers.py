"""The offline composer (pure): an answer to what a player said, from what the speaker knows.

`compose_reply(request)` understands the line (`spectra.understanding`: intent and the
entities named, leaning on the conversation so far for "and what about ...?" or "where is
it?"), answers it from the speaker's `Knowledge` (where a place is and the way there, who
someone is and what the speaker thinks of them, the speaker's faction's stance, what a lore
entry tells, the quests it gives or the player's next step, how the speaker feels) and says it
in the speaker's voice (`spectra.voices`: the mood's openers and phrases; Spectra's light).

The rules it keeps:

- it never says the player's words back: the facts come from the world, not the line;
- it cuts nothing mid-sentence: whole sentences are dropped, lowest priority first, until the
  answer fits REPLY_MAX_CHARS;
- the conversation so far counts: a speaker greets once, says "as I said" when asked the
  same again, tells more of a lore entry when asked twice, and avoids repeating a line;
- the words are seeded by the seed (world seed and tick), the speaker, the listener, the
  request id and the line: the same request gives the same words in any process, and two
  players saying the same in the same tick are answered differently.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from htrae.text import STOP_WORDS, content_words, mentions
from narrative.factions.relations import stance_for
from spectra import voices
from spectra.emotion import MOODS
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
from spectra.understanding import Entity, Intent, Understanding, catalogue_of, understand

if TYPE_CHECKING:
    from spectra.dialogue import DialogueRequest

REPLY_MAX_CHARS = 400
MAX_SENTENCES = 3
MEMORY_MAX_CHARS = 200
MINUTES_PER_TRAVEL_TICK = 30  # a path's cost in ticks, at the seed's pace (30 s of 60x time)
_THIRD_PERSON = re.compile(r"\b(?:she|her|hers|herself|he|him|his|himself)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"]")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")

# Which kind of entity a line is about, by what it asks, when it names several.
_PREFERENCE = {
    Intent.WHERE: (Kind.PLACE, Kind.PERSON, Kind.OBJECT, Kind.FACTION, Kind.QUEST, Kind.LORE),
    Intent.WHO: (Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.LORE, Kind.OBJECT, Kind.QUEST),
    Intent.OPINION: (Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.LORE, Kind.OBJECT, Kind.QUEST),
    Intent.QUEST: (Kind.QUEST, Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.OBJECT, Kind.LORE),
}
_ABOUT_PREFERENCE = (Kind.LORE, Kind.QUEST, Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.OBJECT)


def sentences_of(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCES.split(" ".join(text.split())) if part.strip()]


def sentence(text: str) -> str:
    """Capitalised and ended with a stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def lower_first(text: str) -> str:
    """'Lamp-warden of the Sunspire' → 'lamp-warden of the Sunspire', 'A young astronomer' →
    'a young astronomer'; a name or title keeps its capitals ('High Hierarch', "Spectra's")."""
    words = text.split()
    if not words:
        return text
    first, second = words[0], words[1] if len(words) > 1 else ""
    plain = first[0].isupper() and (len(first) == 1 or first[1:].replace("-", "").islower())
    titled = len(first) > 1 and second[:1].isupper() and first.lower() not in ("the", "an")
    if plain and "'" not in first and not titled:
        return text[0].lower() + text[1:]
    return text


_MID_THE = re.compile(r"(?<=[\w,;:] )The (?=[A-Z])")


def names_mid_sentence(text: str) -> str:
    """'go by The Gilded Stair' → 'go by the Gilded Stair': a name's "The" inside a sentence."""
    return _MID_THE.sub("the ", text)


def predicate(description: str) -> str:
    """A character's description as what they are: 'A young astronomer who ...' → 'a young
    astronomer who ...'; 'Keeper of the Sunken Stacks, ...' → 'the keeper of the Sunken Stacks, ...'."""
    first = sentences_of(description)[0].rstrip(".") if description.strip() else ""
    if not first:
        return ""
    opening = first.split()[0].lower()
    if opening in {"a", "an", "the"} or opening.endswith("'s"):
        return lower_first(first)
    return f"the {lower_first(first)}"


def role_of(description: str) -> str:
    """The speaker's role, short: 'Lamp-warden of the Sunspire, a careful man' → 'the
    lamp-warden of the Sunspire'."""
    whole = predicate(description)
    short = re.split(r"[,;:]|\s(?:who|which|that|with)\s", whole, maxsplit=1)[0].strip()
    return short if 0 < len(short.split()) <= 8 else "someone who's lived here a while"


class _Composer:
    def __init__(self, request: DialogueRequest) -> None:
        self.request = request
        self.knowledge: Knowledge = request.knowledge
        self.rng = random.Random(
            f"{request.seed}:{request.speaker_id}:{request.listener_id}:{request.listener_name}:"
            f"{request.request_id}:{request.heard}"
        )
        self.mood = request.mood if request.mood in MOODS else "calm"
        self.spectra = request.speaker_kind == "spectra"
        self.listener = request.listener_name.strip() or "traveller"
        self.place = request.location_name or "this place"
        self.colour = self.rng.choice(voices.SPECTRA_COLOURS[self.mood])
        self.said_before = [line for turn in request.history if not turn.by_player for line in sentences_of(turn.text)]
        self.met_before = any(not turn.by_player for turn in request.history)
        said_by_player = [request.heard, *(turn.text for turn in request.history if turn.by_player)]
        # A memory of what this player said is theirs, not news to them: never said back.
        # Nor is one already told in this conversation.
        told = " ".join(turn.text for turn in request.history if not turn.by_player)
        self.memories = [
            memory
            for memory in request.memories
            if not mentions(memory, self.listener)
            and not any(_shares_run(memory, line) for line in said_by_player)
            and not _shares_run(memory, told, length=6)
        ]
        # Overheard words are gossip: told only when news is asked for.
        self.gossip = [memory for memory in self.memories if _QUOTED.search(memory)]
        self.memories = [memory for memory in self.memories if not _QUOTED.search(memory)]
        goals = [goal.strip().rstrip(".!") for goal in request.goals if goal.strip()]
        # Goals are written about the character ("...who neither fears her"): quote only those
        # that read right in their own mouth.
        self.goals = [goal for goal in goals if not _THIRD_PERSON.search(goal)]

    # --- choosing words ------------------------------------------------------------------

    def voice(self, npc: Sequence[str], spectra: Sequence[str]) -> Sequence[str]:
        return spectra if self.spectra else npc

    def pick(self, options: Sequence[str], **fill: str) -> str:
        """One of `options`, filled, preferring one not said before in this conversation."""
        fill = {"listener": self.listener, "place": self.place, "colour": self.colour, **fill}
        rendered = [option.format(**fill) for option in options]
        fresh = [text for text in rendered if text not in self.said_before]
        return self.rng.choice(fresh or rendered)

    # --- the answer ----------------------------------------------------------------------

    def reply(self) -> str:
        catalogue = catalogue_of(self._entities())
        names = self._names()
        earlier: list[Understanding] = []
        for turn in self.request.history:
            if turn.by_player:
                last = earlier[-1] if earlier else None
                earlier.append(understand(turn.text, catalogue=catalogue, previous=last, speaker_names=names))
        heard = understand(
            self.request.heard, catalogue=catalogue, previous=earlier[-1] if earlier else None, speaker_names=names
        )
        self.asked_before = {
            (before.intent, entity.kind, entity.id) for before in earlier for entity in before.entities
        }
        facts = self._answer(heard)
        lead: list[str] = []
        if heard.intent == Intent.GREETING or (heard.greets and not self.met_before):
            lead.append(self._greeting())
        elif not self.met_before and heard.intent not in (Intent.FAREWELL, Intent.THANKS) and self.rng.random() < 0.5:
            lead.append(self.pick(self.voice(voices.NPC_OPENERS[self.mood], voices.SPECTRA_OPENERS[self.mood])))
        closers: list[str] = []
        if heard.intent in (Intent.CHAT, Intent.FEELINGS, Intent.GREETING) and self.rng.random() < 0.5:
            closers.append(self._closer())
        return self._fit(lead, facts, closers)

    def _names(self) -> list[str]:
        name = self.request.speaker_name.strip()
        return [name, *(name.split()[:1]), self.listener]

    def _entities(self) -> list[Entity]:
        knowledge = self.knowledge
        found: list[Entity] = [Entity(Kind.PLACE, place.id, place.name) for place in knowledge.places]
        found += [
            Entity(Kind.PERSON, person.id, person.name)
            for person in knowledge.people
            if person.id not in (self.request.speaker_id, self.request.listener_id)
        ]
        found += [Entity(Kind.FACTION, faction.id, faction.name) for faction in knowledge.factions]
        found += [Entity(Kind.LORE, entry.id, entry.title) for entry in knowledge.lore]
        found += [Entity(Kind.QUEST, quest.id, quest.title) for quest in knowledge.quests]
        found += [Entity(Kind.OBJECT, thing.id, thing.name) for thing in knowledge.objects]
        return found

    def _greeting(self) -> str:
        if self.met_before:
            return self.pick(self.voice(voices.NPC_AGAIN, voices.SPECTRA_AGAIN))
        return self.pick(self.voice(voices.NPC_OPENERS[self.mood], voices.SPECTRA_OPENERS[self.mood]))

    def _closer(self) -> str:
        goal = lower_first(self.rng.choice(self.goals)) if self.goals else ""
        closers = self.voice(voices.NPC_CLOSERS, voices.SPECTRA_CLOSERS)
        goal_closers = self.voice(voices.NPC_GOAL_CLOSERS, voices.SPECTRA_GOAL_CLOSERS) if goal else ()
        return self.pick(tuple(closers) + tuple(goal_closers) * 2, role=role_of(self.request.persona), goal=goal)

    def _answer(self, heard: Understanding) -> list[str]:
        intent = heard.intent
        if intent == Intent.GREETING:
            if not self.met_before:
                return [self._introduction(), self.pick(self.voice(voices.NPC_OFFERS, voices.SPECTRA_OFFERS))]
            return [self.pick(self.voice(voices.NPC_OFFERS, voices.SPECTRA_OFFERS))]
        if intent == Intent.FAREWELL:
            return [self.pick(self.voice(voices.NPC_FAREWELLS, voices.SPECTRA_FAREWELLS))]
        if intent == Intent.THANKS:
            return [self.pick(self.voice(voices.NPC_THANKS, voices.SPECTRA_THANKS))]
        if intent == Intent.FEELINGS:
            return self._feelings()
        if intent == Intent.QUEST:
            quest = self._chosen(heard, (Kind.QUEST,))
            return self._quest_told(quest) if quest else self._next_steps()
        if intent == Intent.WHO and heard.asks_about_self:
            return [self._introduction()]
        if heard.wants_news:
            return self._news()
        if heard.wants_story:
            return self._story()
        entity = self._chosen(heard, _PREFERENCE.get(intent, _ABOUT_PREFERENCE))
        if entity is None and intent in (Intent.WHERE, Intent.WHO, Intent.ABOUT, Intent.OPINION):
            entity = self._guessed(intent)
        if entity is None:
            return self._unknown(intent)
        fact = self.knowledge.get(entity.kind, entity.id)
        if intent == Intent.REQUEST:
            told = self._where(fact) if entity.kind in (Kind.PLACE, Kind.PERSON) else self._about(fact)
            return [self.pick(self.voice(voices.NPC_CANT, voices.SPECTRA_CANT)), *told[:1]]
        if intent == Intent.WHERE:
            return self._as_said_before(self._where(fact), (intent, entity.kind, entity.id))
        if intent == Intent.OPINION or (intent == Intent.CHAT and not isinstance(fact, LoreFact)):
            told = self._opinion(fact)
        else:
            told = self._about(fact)
        if not isinstance(fact, LoreFact):  # a tale asked again goes on instead (`_lore`)
            told = self._as_said_before(told, (intent, entity.kind, entity.id))
        if self.request.beliefs:
            # What the speaker has come to believe of it is its considered view: said first
            # when asked its opinion, after the first fact otherwise.
            at = 0 if intent in (Intent.OPINION, Intent.CHAT) else 1
            told = [*told[:at], self._belief(), *told[at:]]
        return told

    def _belief(self) -> str:
        belief = sentence(self.request.beliefs[0])
        table = self.voice(voices.NPC_BELIEF, voices.SPECTRA_BELIEF)
        return self.pick(table, belief=belief, belief_lower=lower_first(belief))

    def _as_said_before(self, told: list[str], asked: tuple[str, str, int]) -> list[str]:
        """Asked the same of the same thing again: "as I said", the same fact."""
        if told and asked in self.asked_before:
            again = self.pick(self.voice(voices.NPC_ALREADY_SAID, voices.SPECTRA_ALREADY_SAID))
            told = [again + lower_first(told[0]), *told[1:]]
        return told

    def _chosen(self, heard: Understanding, preference: Sequence[str]) -> Entity | None:
        ranked = [
            (preference.index(entity.kind), order, entity)
            for order, entity in enumerate(heard.entities)
            if entity.kind in preference
        ]
        return min(ranked, key=lambda item: item[:2])[2] if ranked else None

    def _guessed(self, intent: str) -> Entity | None:
        """Nothing named: the entity whose name or description shares the most of the line's
        words ("the lighthouse" → Cloudbreak Light), if any shares a word of four letters or more."""
        words = {word for word in content_words(self.request.heard) if len(word) >= 4}
        words |= {word[:-1] for word in words if word.endswith("s")}
        if not words:
            return None
        kinds = {Intent.WHERE: (Kind.PLACE, Kind.PERSON, Kind.OBJECT), Intent.WHO: (Kind.PERSON,)}.get(
            intent, (Kind.PLACE, Kind.PERSON, Kind.FACTION, Kind.LORE, Kind.OBJECT)
        )
        best: tuple[int, int, Entity] | None = None
        for order, entity in enumerate(self._entities()):
            if entity.kind not in kinds:
                continue
            fact = self.knowledge.get(entity.kind, entity.id)
            text = f"{entity.name} {getattr(fact, 'description', '')} {getattr(fact, 'summary', '')}"
            shared = len(words & content_words(text))
            if shared and (best is None or shared > best[0]):
                best = (shared, order, entity)
        return best[2] if best else None

    # --- facts -----------------------------------------------------------------------------

    def _introduction(self) -> str:
        name = self.request.speaker_name
        if self.spectra:
            return self.pick(voices.SPECTRA_INTRODUCTIONS)
        return self.pick(voices.NPC_INTRODUCTIONS, name=name, role=role_of(self.request.persona))

    def _route(self, place_id: int | None) -> str:
        here = self.knowledge.speaker_place_id
        if place_id is None or here is None:
            return ""
        name = self.knowledge.place_name(place_id)
        if place_id == here:
            return self.pick(voices.NPC_WHERE_HERE, place=name)
        found = route_between(self.knowledge.paths, here, place_id)
        if found is None:
            return self.pick(voices.NO_ROUTE, name=name)
        way, cost = found
        hours = cost * MINUTES_PER_TRAVEL_TICK / 60
        walk = "under an hour's walk" if hours < 1 else f"about {_hours(hours)} on foot"
        stops = [self.knowledge.place_name(stop) for stop in way[:-1]]
        if not stops:
            return self.pick(voices.ROUTE_STRAIGHT, name=name, walk=walk)
        return self.pick(voices.ROUTE_VIA, stops=_listed(stops), name=name, walk=walk)

    def _where(self, fact) -> list[str]:
        knowledge = self.knowledge
        if isinstance(fact, PlaceFact):
            region = self.pick(voices.PLACE_REGION, name=fact.name, region=fact.region) if fact.region else ""
            told = [region, self._route(fact.id)]
            if fact.id != knowledge.speaker_place_id and fact.description:
                told.append(sentences_of(fact.description)[0])
            return [line for line in told if line]
        if isinstance(fact, PersonFact):
            if fact.place_id is None:
                return [f"I couldn't say where {fact.name} is just now."]
            place = knowledge.place_name(fact.place_id)
            if fact.place_id == knowledge.speaker_place_id:
                return [self.pick(voices.NPC_PERSON_HERE, name=fact.name, place=place)]
            return [self.pick(voices.PERSON_AT, name=fact.name, place=place), self._route(fact.place_id)]
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
                return [f"{fact.name} lies at {knowledge.place_name(fact.place_id)}.", self._route(fact.place_id)]
            return [f"Nobody knows where {fact.name} is now."]
        if isinstance(fact, FactionFact) and fact.home_id is not None:
            home = knowledge.place_name(fact.home_id)
            return [f"{fact.name} keep to {home}.", self._route(fact.home_id)]
        if isinstance(fact, QuestFact):
            return self._quest_told(fact)
        if isinstance(fact, LoreFact) and fact.place_ids:
            place = knowledge.get(Kind.PLACE, fact.place_ids[0])
            return self._where(place) if place else self._about(fact)
        return self._about(fact)

    def _about(self, fact) -> list[str]:
        if isinstance(fact, LoreFact):
            return self._lore(fact)
        if isinstance(fact, PersonFact):
            return self._who(fact)
        if isinstance(fact, FactionFact):
            return [*self._faction_stance(fact), *self._faction_detail(fact)][:2]
        if isinstance(fact, PlaceFact):
            told = sentences_of(fact.description)[:2] if fact.description else []
            return told or self._where(fact)
        if isinstance(fact, QuestFact):
            return self._quest_told(fact)
        if isinstance(fact, ObjectFact):
            return [*(sentences_of(fact.description)[:1]), *self._where(fact)[:1]]
        return self._unknown(Intent.ABOUT)

    def _who(self, person: PersonFact) -> list[str]:
        knowledge = self.knowledge
        what = predicate(person.description)
        told = [
            self.pick(voices.WHO_IS, name=person.name, what=what, What=what[:1].upper() + what[1:])
            if what
            else f"{person.name} lives hereabouts."
        ]
        faction = knowledge.get(Kind.FACTION, person.faction_id)
        place = knowledge.place_name(person.place_id)
        if faction and place:
            told.append(self.pick(voices.MEMBER_AT, faction=faction.name, Faction=faction.name, place=place))
        elif place:
            told.append(f"You'll find them at {place} these days.")
        if person.regard is not None:
            told.append(self._regard(person))
        return told

    def _regard(self, person: PersonFact) -> str:
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
        if regard.trust >= 0.4:
            trust = "and I trust them" if warm else "though I'll grant I trust them"
        elif regard.trust <= -0.3:
            trust = "but I don't trust them" if warm else "and I don't trust them an inch"
        else:
            trust = ""
        return sentence(f"{liking}, {trust}" if trust else liking)

    def _opinion(self, fact) -> list[str]:
        if isinstance(fact, PersonFact):
            if fact.regard is None:
                what = predicate(fact.description)
                return [f"I hardly know {fact.name}.", *([f"They say {fact.name} is {what}."] if what else [])]
            return [self._regard(fact), *self._who(fact)[:1]]
        if isinstance(fact, FactionFact):
            return [*self._faction_stance(fact), *self._faction_detail(fact)][:2]
        if isinstance(fact, PlaceFact):
            feeling = self.rng.choice(self.voice(voices.NPC_FEELINGS, voices.SPECTRA_FEELINGS)[self.mood])
            first = sentences_of(fact.description)[0].rstrip(".") if fact.description else f"{fact.name} is {fact.name}"
            return [sentence(f"{first}, {feeling}")]
        return self._about(fact)

    def _faction_stance(self, faction: FactionFact) -> list[str]:
        own = self.knowledge.speaker_faction_id
        fill = {"faction": faction.name, "Faction": faction.name}
        if own is not None and faction.id == own:
            return [self.pick(voices.OWN_FACTION, **fill)]
        if faction.standing is not None:
            return [self.pick(voices.FACTION_STANCES[stance_for(faction.standing)], **fill)]
        return []

    def _faction_detail(self, faction: FactionFact) -> list[str]:
        told = []
        if faction.description:
            first = sentences_of(faction.description)[0]
            opening = first.split()[0].lower()
            told.append(f"They're {lower_first(first) if opening in STOP_WORDS or first[1:2].islower() else first}")
        home = self.knowledge.place_name(faction.home_id)
        if home:
            told.append(f"Their seat is {home}.")
        return [sentence(line) for line in told]

    def _lore(self, entry: LoreFact) -> list[str]:
        if not entry.known:
            return [self.pick(self.voice(voices.NPC_DONT_KNOW, voices.SPECTRA_DONT_KNOW))]
        if entry.secret and self.knowledge.player_trust < SECRET_TRUST:
            return [self.pick(self.voice(voices.NPC_SECRET_KEPT, voices.SPECTRA_SECRET_KEPT))]
        told = sentences_of(entry.body) or [sentence(entry.summary)]
        first = told[:2]
        if first and first[0] in self.said_before:  # asked again: the rest of the tale
            rest = told[2:]
            if rest:
                more = self.pick(self.voice(voices.NPC_MORE, voices.SPECTRA_MORE))
                return [more + lower_first(rest[0]), *rest[1:2]]
        return first

    def _quest_told(self, quest: QuestFact) -> list[str]:
        knowledge = self.knowledge
        if quest.held_step:
            return [self.pick(voices.NEXT_STEP, title=quest.title, step=lower_first(quest.held_step))]
        told = sentences_of(quest.description)[:1]
        if quest.giver_id == knowledge.speaker_id:
            told = [self.pick(voices.TASK_OFFERED, title=quest.title), *told]
            if quest.steps:
                told.append(self.pick(voices.TASK_START, step=lower_first(quest.steps[0])))
            return told
        giver = knowledge.get(Kind.PERSON, quest.giver_id)
        if giver is not None:
            where = knowledge.place_name(giver.place_id)
            at = f"; ask at {where}." if where else "."
            return [self.pick(voices.OTHER_GIVER, giver=giver.name, title=quest.title, where=at), *told]
        return [f"{quest.title}: {lower_first(told[0])}" if told else f"There's {quest.title}, if you're willing."]

    def _next_steps(self) -> list[str]:
        quests = self.knowledge.quests
        held = [quest for quest in quests if quest.held_step]
        mine = [quest for quest in quests if quest.giver_id == self.knowledge.speaker_id and not quest.held_step]
        others = [quest for quest in quests if not quest.held_step and quest.giver_id != self.knowledge.speaker_id]
        for group in (held, mine):
            if group:
                return self._quest_told(group[0])
        near = sorted(others, key=self._distance_to_giver)
        if near:
            return self._quest_told(near[0])
        if self.goals:
            return [self.pick(self.voice(voices.NPC_ON_MY_MIND, voices.SPECTRA_ON_MY_MIND), goal=self._goal())]
        return [self.pick(self.voice(voices.NPC_DONT_KNOW, voices.SPECTRA_DONT_KNOW))]

    def _distance_to_giver(self, quest: QuestFact) -> tuple[int, int]:
        giver = self.knowledge.get(Kind.PERSON, quest.giver_id)
        here = self.knowledge.speaker_place_id
        if giver is None or giver.place_id is None or here is None:
            return (10**6, quest.id)
        found = route_between(self.knowledge.paths, here, giver.place_id) if giver.place_id != here else ((), 0)
        return (found[1] if found else 10**6, quest.id)

    def _goal(self) -> str:
        return lower_first(self.rng.choice(self.goals)) if self.goals else ""

    def _feelings(self) -> list[str]:
        told = [self.pick(self.voice(voices.NPC_MOOD_STATES[self.mood], voices.SPECTRA_MOOD_STATES[self.mood]))]
        if self.memories and self.rng.random() < 0.5:
            memory = self._memory(self.memories[0])
            if memory:
                told.append(self.pick(self.voice(voices.NPC_MEMORY, voices.SPECTRA_MEMORY), memory=memory))
                return told
        if self.goals:
            told.append(self.pick(self.voice(voices.NPC_ON_MY_MIND, voices.SPECTRA_ON_MY_MIND), goal=self._goal()))
        return told

    def _memory(self, text: str) -> str:
        """A memory's first sentence, whole, to follow a colon; '' if it is too long to say whole."""
        first = sentences_of(text)[0] if text.strip() else ""
        if first.count("“") != first.count("”") or first.count('"') % 2:
            first = " ".join(text.split())  # a quotation is said whole or not at all
        if not first or len(first) > MEMORY_MAX_CHARS:
            return ""
        opening = first.split()[0]
        if opening.lower() in STOP_WORDS and opening not in ("I",):
            first = lower_first(first)
        return first if first[-1] in ".!?" else f"{first}."

    def _news(self) -> list[str]:
        """What's new: the freshest thing the speaker remembers or believes, else nothing."""
        for memory in (*self.gossip[:1], *self.memories[:1]):
            said = self._memory(memory)
            if said:
                return [self.pick(self.voice(voices.NPC_MEMORY, voices.SPECTRA_MEMORY), memory=said)]
        if self.request.beliefs:
            return [self._belief()]
        return [self.pick(self.voice(voices.NPC_NO_NEWS, voices.SPECTRA_NO_NEWS))]

    def _story(self) -> list[str]:
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
            return [self.pick(self.voice(voices.NPC_DONT_KNOW, voices.SPECTRA_DONT_KNOW))]
        entry = self.rng.choice(pool)
        return [self.pick(voices.STORY_OPENINGS, title=entry.title), *sentences_of(entry.body)[:2]]

    def _unknown(self, intent: str) -> list[str]:
        """Nothing known was named: a belief or a memory the words call up, else honesty."""
        told: list[str] = []
        if self.request.beliefs:
            told.append(self._belief())
        asked = content_words(self.request.heard, min_length=3)
        memories = self.memories
        relevant = [memory for memory in memories[:3] if asked & content_words(memory, min_length=3)]
        chosen = relevant or (list(memories[:3]) if intent in (Intent.CHAT, Intent.REQUEST) else [])
        if chosen:
            memory = self._memory(self.rng.choices(chosen, weights=(6, 2, 1)[: len(chosen)])[0])
            if memory:
                told.append(self.pick(self.voice(voices.NPC_MEMORY, voices.SPECTRA_MEMORY), memory=memory))
        if told:
            return told
        if intent in (Intent.CHAT, Intent.REQUEST):
            return [self.pick(self.voice(voices.NPC_NO_TOPIC, voices.SPECTRA_NO_TOPIC))]
        return [self.pick(self.voice(voices.NPC_DONT_KNOW, voices.SPECTRA_DONT_KNOW))]

    # --- fitting ---------------------------------------------------------------------------

    def _fit(self, lead: list[str], facts: list[str], closers: list[str]) -> str:
        """Whole sentences only: the opener and closer go first, then facts from the end,
        until the answer fits; a lone fact too long is cut after its last whole clause."""
        lead, closers = [names_mid_sentence(line) for line in lead], [names_mid_sentence(line) for line in closers]
        facts = [sentence(names_mid_sentence(line)) for line in facts if line and line.strip()]
        parts = [*(sentence(line) for line in lead), *facts, *(sentence(line) for line in closers)]
        optional = [*closers, *lead]
        while (len(" ".join(parts)) > REPLY_MAX_CHARS or len(parts) > MAX_SENTENCES) and len(parts) > 1:
            dropped = next((sentence(line) for line in optional if sentence(line) in parts), None)
            if dropped is not None:
                parts.remove(dropped)
                optional = [line for line in optional if sentence(line) != dropped]
            else:
                parts.pop()
        text = " ".join(parts)
        if len(text) > REPLY_MAX_CHARS:
            cut = text[: REPLY_MAX_CHARS - 1]
            clause = max(cut.rfind(", "), cut.rfind("; "))
            text = (cut[:clause] if clause > REPLY_MAX_CHARS // 2 else cut.rsplit(" ", 1)[0]).rstrip(" ,;:-—") + "."
        return text


def _shares_run(text: str, line: str, *, length: int = 4) -> bool:
    """Whether `text` holds `length` words in a row of `line` (any case, punctuation aside)."""
    words = re.findall(r"[\w']+", line.lower())
    said = " ".join(re.findall(r"[\w']+", text.lower()))
    return any(" ".join(words[index : index + length]) in said for index in range(len(words) - length + 1))


def _listed(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _hours(hours: float) -> str:
    halves = round(hours * 2)
    whole, half = divmod(halves, 2)
    if whole == 0:
        return "half an hour"
    return f"{whole}{'½' if half else ''} hour{'s' if halves > 2 else ''}"


def compose_reply(request: DialogueRequest) -> str:
    """The offline answer to `request` (see the module docstring)."""
    return _Composer(request).reply()
