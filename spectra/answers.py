"""The offline composer (pure): an answer to what a player said, from what the speaker knows.

`compose_reply(request)` understands the line (`spectra.understanding`: intent and the
entities named, leaning on the conversation so far for "and what about ...?" or "where is
it?"), has the facts it asks for told from the speaker's `Knowledge` (`spectra.telling`:
where a place is and the way there, who someone is and what the speaker thinks of them, the
speaker's faction's stance, what a lore entry tells, the quests it gives or the player's next
step), answers courtesies, who else is here, how the speaker feels, news and idle remarks
itself (its mood, memories, beliefs and goals), and says it all in the speaker's voice
(`spectra.voices`: the mood's openers and phrases; Spectra's light), as the designers'
grammar "replies" words them (`spectra.reply_grammar`).

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

from htrae.text import STOP_WORDS, content_words, herself_in_first_person, mentions
from spectra.emotion import MOODS
from spectra.knowledge import Kind, Knowledge, LoreFact, PersonFact
from spectra.reply_grammar import lead_in, phrase_fill, voices_from
from spectra.telling import Teller
from spectra.understanding import (
    Entity,
    Intent,
    Understanding,
    catalogue_of,
    understand,
)
from spectra.wording import (
    is_ended,
    listed,
    lower_first,
    names_mid_sentence,
    role_of,
    sentence,
    sentences_of,
    shares_run,
)

if TYPE_CHECKING:
    from spectra.dialogue import DialogueRequest

REPLY_MAX_CHARS = 400
MAX_SENTENCES = 3
MEMORY_MAX_CHARS = 200
_THIRD_PERSON = re.compile(r"\b(?:she|her|hers|herself|he|him|his|himself)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"]")

# Which kind of entity a line is about, by what it asks, when it names several.
_PREFERENCE = {
    Intent.WHERE: (Kind.PLACE, Kind.PERSON, Kind.OBJECT, Kind.FACTION, Kind.QUEST, Kind.LORE),
    Intent.WHO: (Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.LORE, Kind.OBJECT, Kind.QUEST),
    Intent.OPINION: (Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.LORE, Kind.OBJECT, Kind.QUEST),
    Intent.QUEST: (Kind.QUEST, Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.OBJECT, Kind.LORE),
}
# "Who do you trust / like / count a friend", and the least: asked of the speaker's own opinions.
_ASKS_WHOM = re.compile(
    r"\bwho(?:m)? (?:do|would|can) you (?:trust|like|love|count|call|dislike|distrust|fear|avoid|hate)\b"
    r"|\bwho(?:'s| is| are) your (?:friends?|enemies|enemy|rivals?)\b"
)
_ASKS_WHOM_LEAST = re.compile(r"\b(?:dislike|distrust|fear|avoid|hate|enem(?:y|ies)|rivals?)\b")
WHOM_REGARD = 0.15  # an opinion this strong is worth naming when asked
_ABOUT_PREFERENCE = (Kind.LORE, Kind.QUEST, Kind.PERSON, Kind.FACTION, Kind.PLACE, Kind.OBJECT)


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
        self.v = voices_from(request.voices_rules)
        self.colour = phrase_fill(
            self.v, self.rng.choice(self.v.SPECTRA_COLOURS[self.mood]), self.rng, {"listener": self.listener}
        )
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
            and not any(shares_run(memory, line) for line in said_by_player)
            and not shares_run(memory, told, length=6)
        ]
        # Overheard words are gossip: told only when news is asked for.
        self.gossip = [memory for memory in self.memories if _QUOTED.search(memory)]
        self.memories = [memory for memory in self.memories if not _QUOTED.search(memory)]
        goals = [goal.strip().rstrip(".!") for goal in request.goals if goal.strip()]
        if self.spectra:  # her goals are written about her: she says them of herself
            goals = [herself_in_first_person(goal) for goal in goals]
        # Goals are written about the character ("...who neither fears her"): quote only those
        # that read right in their own mouth.
        self.goals = [goal for goal in goals if not _THIRD_PERSON.search(goal)]
        self.tell = Teller(
            knowledge=self.knowledge,
            pick=self.pick,
            voice=self.voice,
            voices_now=self.v,
            rng=self.rng,
            mood=self.mood,
            said_before=self.said_before,
        )

    # --- choosing words ------------------------------------------------------------------

    def voice(self, npc: Sequence[str], spectra: Sequence[str]) -> Sequence[str]:
        return spectra if self.spectra else npc

    def pick(self, options: Sequence[str], **fill: str) -> str:
        """One of `options`, filled, preferring one not said before in this conversation."""
        fill = {"listener": self.listener, "place": self.place, "colour": self.colour, **fill}
        rendered = [phrase_fill(self.v, option, self.rng, fill) for option in options]
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
            lead.append(self.pick(self.voice(self.v.NPC_OPENERS[self.mood], self.v.SPECTRA_OPENERS[self.mood])))
        closers: list[str] = []
        if heard.intent in (Intent.CHAT, Intent.FEELINGS, Intent.GREETING) and self.rng.random() < 0.5:
            closers.append(self._closer(facts))
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
            return self.pick(self.voice(self.v.NPC_AGAIN, self.v.SPECTRA_AGAIN))
        return self.pick(self.voice(self.v.NPC_OPENERS[self.mood], self.v.SPECTRA_OPENERS[self.mood]))

    def _closer(self, said: list[str]) -> str:
        """A parting line; of the speaker's goals, one not already told in this answer (the
        goal said twice over: "Mostly I'm set on ... For my part, I'm set on trying to ...")."""
        told = " ".join(said).lower()
        untold = [
            goal
            for goal in self.goals
            if not any(form.rstrip(".").lower()[:40] in told for form in (goal, herself_in_first_person(goal)))
        ]
        goal = lower_first(self.rng.choice(untold)) if untold else ""
        closers = self.voice(self.v.NPC_CLOSERS, self.v.SPECTRA_CLOSERS)
        goal_closers = self.voice(self.v.NPC_GOAL_CLOSERS, self.v.SPECTRA_GOAL_CLOSERS) if goal else ()
        return self.pick(tuple(closers) + tuple(goal_closers) * 2, role=role_of(self.request.persona), goal=goal)

    def _answer(self, heard: Understanding) -> list[str]:
        intent = heard.intent
        if intent == Intent.GREETING:
            if not self.met_before:
                return [self._introduction(), self.pick(self.voice(self.v.NPC_OFFERS, self.v.SPECTRA_OFFERS))]
            return [self.pick(self.voice(self.v.NPC_OFFERS, self.v.SPECTRA_OFFERS))]
        if intent == Intent.FAREWELL:
            return [self.pick(self.voice(self.v.NPC_FAREWELLS, self.v.SPECTRA_FAREWELLS))]
        if intent == Intent.THANKS:
            return [self.pick(self.voice(self.v.NPC_THANKS, self.v.SPECTRA_THANKS))]
        if heard.wants_company:
            return self._company()
        if intent == Intent.FEELINGS:
            return self._feelings()
        if intent == Intent.QUEST:
            quest = self._chosen(heard, (Kind.QUEST,))
            if quest:
                return self.tell.quest_told(self.knowledge.get(Kind.QUEST, quest.id))
            return self.tell.next_steps() or self._on_my_mind()
        if intent == Intent.WHO and heard.asks_about_self:
            return [self._introduction()]
        if intent == Intent.AIM:
            return self._aim()
        if heard.wants_news:
            return self._news()
        if heard.wants_story:
            return self.tell.story()
        entity = self._chosen(heard, _PREFERENCE.get(intent, _ABOUT_PREFERENCE))
        if entity is None and intent in (Intent.OPINION, Intent.WHO) and _ASKS_WHOM.search(heard.said):
            return self._whom(heard.said)
        if entity is None and intent in (Intent.WHERE, Intent.WHO, Intent.ABOUT, Intent.OPINION):
            entity = self._guessed(intent, heard.said)
        if entity is None:
            return self._unknown(intent, heard.said)
        fact = self.knowledge.get(entity.kind, entity.id)
        if intent == Intent.REQUEST:
            told = self.tell.where(fact) if entity.kind in (Kind.PLACE, Kind.PERSON) else self.tell.about(fact)
            return [self.pick(self.voice(self.v.NPC_CANT, self.v.SPECTRA_CANT)), *told[:1]]
        if intent == Intent.WHERE:
            return self._as_said_before(self.tell.where(fact), (intent, entity.kind, entity.id))
        if intent == Intent.OPINION or (intent == Intent.CHAT and not isinstance(fact, LoreFact)):
            told = self.tell.opinion(fact)
        else:
            told = self.tell.about(fact)
        if not isinstance(fact, LoreFact):  # a tale asked again goes on instead (`_lore`)
            told = self._as_said_before(told, (intent, entity.kind, entity.id))
        if self.request.beliefs:
            # What the speaker has come to believe of it is its considered view: said first
            # when asked its opinion, after the first fact otherwise.
            at = 0 if intent in (Intent.OPINION, Intent.CHAT) else 1
            told = [*told[:at], self._belief(), *told[at:]]
        return told

    def _whom(self, said: str) -> list[str]:
        """ "Who do you trust?", "who are your friends?", "who do you dislike?": those the speaker
        thinks most (or least) of, from its own opinions; honesty if it has none to speak of."""
        by_trust, sign = "trust" in said, -1.0 if _ASKS_WHOM_LEAST.search(said) else 1.0

        def held(person: PersonFact) -> float:  # how high (or, asked the least, how low) it holds them
            return sign * (person.regard.trust if by_trust else person.regard.affinity)

        people = [
            person
            for person in self.knowledge.people
            if person.regard is not None and person.id not in (self.request.speaker_id, self.request.listener_id)
        ]
        chosen = [p for p in sorted(people, key=lambda p: (-held(p), p.id)) if held(p) >= WHOM_REGARD][:2]
        if not chosen:
            return [self.pick(self.voice(self.v.NPC_NO_ONE, self.v.SPECTRA_NO_ONE))]
        said = [self.tell.regard(person) for person in chosen]
        if len(said) == 2 and said[1].replace(chosen[1].name, chosen[0].name) == said[0]:
            said[1] = f"And {chosen[1].name}, too."  # not "I like A well enough. I like B well enough."
        return said

    def _company(self) -> list[str]:
        """ "Who is here?": the others at the speaker's place, by name (a crowd's first few and
        how many more), and what it thinks of the one it likes best among them, if anyone."""
        people, others = self.knowledge.company()
        if not people:
            return [self.pick(self.voice(self.v.NPC_NO_COMPANY, self.v.SPECTRA_NO_COMPANY))]
        names = [person.name for person in people]
        if others > 0:
            names.append(f"{others} {'other' if others == 1 else 'others'}")
        said = [self.pick(self.voice(self.v.NPC_COMPANY, self.v.SPECTRA_COMPANY), people=listed(names))]
        liked = [person for person in people if person.regard is not None and person.regard.affinity >= WHOM_REGARD]
        if liked:
            said.append(self.tell.regard(max(liked, key=lambda person: (person.regard.affinity, -person.id))))
        return said

    def _belief(self) -> str:
        belief = sentence(self.request.beliefs[0])
        table = self.voice(self.v.NPC_BELIEF, self.v.SPECTRA_BELIEF)
        return self.pick(table, belief=belief, belief_lower=lower_first(belief))

    def _as_said_before(self, told: list[str], asked: tuple[str, str, int]) -> list[str]:
        """Asked the same of the same thing again: "as I said", the same fact."""
        if told and asked in self.asked_before:
            again = self.pick(self.voice(self.v.NPC_ALREADY_SAID, self.v.SPECTRA_ALREADY_SAID))
            told = [lead_in(again, told[0]), *told[1:]]
        return told

    def _chosen(self, heard: Understanding, preference: Sequence[str]) -> Entity | None:
        ranked = [
            (preference.index(entity.kind), order, entity)
            for order, entity in enumerate(heard.entities)
            if entity.kind in preference
        ]
        return min(ranked, key=lambda item: item[:2])[2] if ranked else None

    def _guessed(self, intent: str, said: str) -> Entity | None:
        """Nothing named: the entity whose name or description shares the most of the line's
        words ("the lighthouse" → Cloudbreak Light), if any shares a word of four letters or more."""
        words = {word for word in content_words(said) if len(word) >= 4}
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
            return self.pick(self.v.SPECTRA_INTRODUCTIONS)
        return self.pick(self.v.NPC_INTRODUCTIONS, name=name, role=role_of(self.request.persona))

    def _on_my_mind(self) -> list[str]:
        """No work to give or point to: what the speaker itself is after, or honesty."""
        if self.goals:
            return [self.pick(self.voice(self.v.NPC_ON_MY_MIND, self.v.SPECTRA_ON_MY_MIND), goal=self._goal())]
        return [self.pick(self.voice(self.v.NPC_DONT_KNOW, self.v.SPECTRA_DONT_KNOW))]

    def _aim(self) -> list[str]:
        """Asked what it is doing or after: its goal, or that it has none just now."""
        if self.goals:
            return self._on_my_mind()
        return [self.pick(self.voice(self.v.NPC_NO_AIM, self.v.SPECTRA_NO_AIM))]

    def _goal(self) -> str:
        return lower_first(self.rng.choice(self.goals)) if self.goals else ""

    def _feelings(self) -> list[str]:
        states = self.voice(self.v.NPC_MOOD_STATES[self.mood], self.v.SPECTRA_MOOD_STATES[self.mood])
        said = [state for state in states if state in self.said_before]
        if said:  # asked again, and it feels as it said then: "as I said", not the same words anew
            again = self.pick(self.voice(self.v.NPC_ALREADY_SAID, self.v.SPECTRA_ALREADY_SAID))
            told = [lead_in(again, said[-1])]
        else:
            told = [self.pick(states)]
        if self.memories and self.rng.random() < 0.5:
            memory = self._memory(self.memories[0])
            if memory:
                told.append(self.pick(self.voice(self.v.NPC_MEMORY, self.v.SPECTRA_MEMORY), memory=memory))
                return told
        if self.goals:
            told.append(self.pick(self.voice(self.v.NPC_ON_MY_MIND, self.v.SPECTRA_ON_MY_MIND), goal=self._goal()))
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
        return first if is_ended(first) else f"{first}."

    def _news(self) -> list[str]:
        """What's new: the freshest thing the speaker remembers or believes, else nothing."""
        for memory in (*self.gossip[:1], *self.memories[:1]):
            said = self._memory(memory)
            if said:
                return [self.pick(self.voice(self.v.NPC_MEMORY, self.v.SPECTRA_MEMORY), memory=said)]
        if self.request.beliefs:
            return [self._belief()]
        return [self.pick(self.voice(self.v.NPC_NO_NEWS, self.v.SPECTRA_NO_NEWS))]

    def _unknown(self, intent: str, said: str) -> list[str]:
        """Nothing known was named: a belief or a memory the words call up, else honesty."""
        told: list[str] = []
        if self.request.beliefs:
            told.append(self._belief())
        asked = content_words(said, min_length=3)
        memories = self.memories
        relevant = [memory for memory in memories[:3] if asked & content_words(memory, min_length=3)]
        chosen = relevant or (list(memories[:3]) if intent in (Intent.CHAT, Intent.REQUEST) else [])
        if chosen:
            memory = self._memory(self.rng.choices(chosen, weights=(6, 2, 1)[: len(chosen)])[0])
            if memory:
                told.append(self.pick(self.voice(self.v.NPC_MEMORY, self.v.SPECTRA_MEMORY), memory=memory))
        if told:
            return told
        if intent in (Intent.CHAT, Intent.REQUEST):
            return [self.pick(self.voice(self.v.NPC_NO_TOPIC, self.v.SPECTRA_NO_TOPIC))]
        return [self.pick(self.voice(self.v.NPC_DONT_KNOW, self.v.SPECTRA_DONT_KNOW))]

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


def compose_reply(request: DialogueRequest) -> str:
    """The offline answer to `request` (see the module docstring)."""
    return _Composer(request).reply()
