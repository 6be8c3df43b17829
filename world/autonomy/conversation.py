"""Conversations: an exchange of several turns between two characters, composed at once when
one decides to talk to another (as Generative Agents does), each turn answering the one
before: greet, greet back, topic, answer, reaction and, often, farewell.

Pure: from the two characters' states (their goals, faction, what they think of each other
and of people they know, the facts they hold: news, deeds seen, memories, lore), the place
and the hour, and the speaker's seeded generator. The words come from the grammar in
`world.autonomy.talk_grammar`; the topic from what the speaker knows and cares about, new
and important news first; what is said depends on the listener (friend or rival, the same
faction or not; a faction's secret is told only within it). A fact told in a turn is learned
by its listener after the tick (the gossip app), so news travels from talk to talk.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from htrae.grammar import GrammarError, capitalise, expand
from htrae.text import herself_in_first_person
from world.autonomy.repeats import says_again, without_repeats
from world.autonomy.state import STRANGER, CharacterState, Fact, Neighbour
from world.autonomy.talk_grammar import DAYPARTS, ERRANDS, FEELINGS, RULES

GREET, TOPIC, ANSWER, REACT, FAREWELL = "greet", "topic", "answer", "react", "farewell"
# What may answer what: each act of a turn after the first, by the act of the turn before.
ANSWERS_TO = {GREET: {GREET, TOPIC}, TOPIC: {ANSWER}, ANSWER: {REACT, FAREWELL}, REACT: {FAREWELL}, FAREWELL: set()}

FRIEND, RIVAL = 0.2, -0.2  # affinity from which one speaks as a friend, or as a rival
KNOWN_AT_LEAST = 0.05  # familiarity from which one knows who another is
NEWS_SPAN_TICKS = 96  # news is fresh for two in-world days (at the default pace)
FAREWELL_SHARE = 0.6  # exchanges that end with a farewell
SWAP_SHARE = 0.6  # answers that pass on news of the listener's own, when it has some
STANDING_WARM, STANDING_COLD = 20, -20  # faction standings that make talk of factions warm or sharp
TELLABLE = ("heard", "gathering", "deed")  # the kinds of fact that are news
# Topics whose opening line is short on particulars: it runs on with a word of the moment
# (the place, the hour, a feeling, an errand), as all answers, reactions and farewells do.
TAILED = frozenset(
    {"person", "famous", "lore", "secret", "faction_same", "faction_friendly", "faction_rival", "belief"}
)
PEOPLE_WEIGHT = 0.6  # the weight of talk of people known elsewhere, shared among them
# Every symbol the composer binds (one place, so the admin's grammar check and the composer
# agree), each with a sample value for the admin's preview. Bindings win over rules.
TALK_BINDINGS: dict[str, str] = {
    "me": "Nessa", "you": "Varo", "place": "the Glass Market", "daypart": "this afternoon",
    "partday": "afternoon", "feeling": "at ease", "my_goal": "mend the old lantern",
    "my_faction": "the Glasswright Guild", "their_faction": "the Quiet Ledger",
    "their_aim": "keep every record", "aim": "forge a prism to rival the Sunspire's",
    "fact": "there's a fair at the Commons", "source": "Pim", "memory": "the night the lamps went out",
    "lore": "The Thinking Prism", "lore_summary": "the Sun-Prism was built to think",
    "subject": "Oren Vale", "opinion": "Oren is a good soul", "goal": "find a cure for a sister's cough",
    "belief": "the prism listens", "their_fact": "the ferry runs again",
}  # fmt: skip
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """One line of an exchange: who says it to whom, its act, the topic it keeps to, and
    the fact its listener learns from it (if one)."""

    speaker_id: int
    speaker_name: str
    speaker_kind: str
    listener_id: int
    listener_name: str
    act: str
    topic: str
    text: str
    fact: Fact | None = None
    about_id: int | None = None  # the person a topic is about


def follows_in_exchange(payload) -> bool:
    """Is this talk event a turn after an exchange's opening line? An exchange is one
    encounter: whoever weighs encounters (feelings) counts its opening line, not every turn."""
    exchange = payload.get("exchange") if isinstance(payload, dict) else None
    return isinstance(exchange, dict) and isinstance(exchange.get("turn"), int) and exchange["turn"] > 0


def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


def time_of_day(hour: int) -> str:
    return (
        "night"
        if hour < 5 or hour >= 21
        else "dawn"
        if hour < 7
        else "morning"
        if hour < 12
        else ("afternoon" if hour < 17 else "evening")
    )


def freshness(fact: Fact, tick: int) -> float:
    """1 for news learned this tick, down to 0 after `NEWS_SPAN_TICKS`."""
    return max(0.0, 1.0 - (tick - fact.learned_tick) / NEWS_SPAN_TICKS)


def allegiance(character: CharacterState) -> Fact | None:
    return next((fact for fact in character.facts if fact.kind == "allegiance"), None)


def guarded(goal: str, listener: CharacterState | None, speaker: CharacterState) -> bool:
    """A goal the speaker keeps from this listener: one naming the listener's faction, or one
    of leaving, told to a fellow member."""
    if listener is None:
        return False
    theirs = allegiance(listener)
    words = goal.lower()
    if theirs is not None and any(len(w) > 3 and w in words for w in theirs.subject.lower().split() if w != "the"):
        return True
    same = speaker.faction_id is not None and speaker.faction_id == listener.faction_id
    return same and any(word in words for word in ("leave", "out of", "escape", "quit"))


def tellable(fact: Fact, listener: CharacterState | None) -> bool:
    """May this fact be told to this listener? Secrets only within their faction."""
    if fact.secret:
        return listener is not None and fact.faction_id is not None and listener.faction_id == fact.faction_id
    return True


def own_deed(fact: Fact, listener: CharacterState) -> bool:
    """A deed the listener did itself: nobody tells one of what one did (a doer does not learn
    its own deed as news, `gossip.logic`, so without this it was told of it in the third person)."""
    return fact.kind == "deed" and fact.subject == listener.name


@dataclass(frozen=True)
class _Topic:
    kind: str
    bindings: dict
    fact: Fact | None = None


def choose_topic(
    speaker: CharacterState,
    listener: CharacterState | None,
    *,
    tick: int,
    rng: random.Random,
    standing: int | None,
    known_elsewhere: tuple[Neighbour, ...] = (),
    belief: str = "",
) -> _Topic:
    """What the speaker brings up: weighed from everything it knows and cares about, fresh
    and important news the listener lacks weighing most."""
    options: list[tuple[float, _Topic]] = []
    for fact in speaker.facts:
        if not tellable(fact, listener):
            continue
        if fact.kind in TELLABLE:
            if listener is not None and (listener.knows(fact.key) or own_deed(fact, listener)):
                continue
            weight = 0.3 + 12.0 * fact.importance * freshness(fact, tick)
            kind = "gathering" if fact.kind == "gathering" else "deed" if fact.kind == "deed" else "fact"
            source = first_name(fact.told_by) if fact.told_by else "someone"
            options.append((weight, _Topic(kind, {"fact": fact.text, "source": source}, fact)))
        elif fact.kind == "memory":
            options.append((0.5 * (0.5 + fact.importance), _Topic("memory", {"memory": fact.text}, None)))
        elif fact.kind == "lore":
            kind = "secret" if fact.secret else "lore"
            bindings = {"lore": fact.subject, "lore_summary": fact.text}
            options.append((0.5 if not fact.secret else 0.8, _Topic(kind, bindings, fact)))
    goals = [goal for goal in speaker.goals if not guarded(goal, listener, speaker)]
    for goal in goals[:3]:
        options.append((0.35, _Topic("goal", {"goal": _lower_first(goal.rstrip("."))})))
    for person in known_elsewhere:
        if listener is not None and person.id == listener.id:
            continue
        opinion = _opinion(speaker.regard_of(person.id).affinity, person.name)
        # nobody asks whether you have met Spectra: everybody knows of her
        kind = "famous" if person.kind == "spectra" else "person"
        share = PEOPLE_WEIGHT / len(known_elsewhere)
        options.append((share, _Topic(kind, {"subject": person.name, "subject_id": person.id, "opinion": opinion})))
    mine = allegiance(speaker)
    theirs = allegiance(listener) if listener is not None else None
    if mine is not None and theirs is not None:
        if mine.key == theirs.key:
            kind = "faction_same"
        elif standing is not None and standing <= STANDING_COLD:
            kind = "faction_rival"
        else:
            kind = "faction_friendly"
        options.append((0.6, _Topic(kind, {"aim": mine.text})))
    if belief:
        options.append((0.5, _Topic("belief", {"belief": belief})))
    options.append((0.3, _Topic("place", {})))
    weights = [weight for weight, _ in options]
    return options[_pick(weights, rng)][1]


def _pick(weights: list[float], rng: random.Random) -> int:
    total = sum(weights)
    point = rng.random() * total
    for index, weight in enumerate(weights):
        point -= weight
        if point < 0:
            return index
    return len(weights) - 1


_SHE_OR_HER = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
_SOMEONE_NAMED = re.compile(r"(?<!\bthe )(?<!\bThe )\b[A-Z][a-z]+")


def own_aim(goal: str, speaker: CharacterState) -> str:
    """A goal as its holder says it. Goals are written about their holder ("pass her songs to
    an heir before she dies"): Nan says "pass my songs to an heir before I die". Spectra's all
    speak of her; an NPC's "her" is its own unless someone is named before it ("show Spectra
    her pebbles" stays)."""
    pronoun = _SHE_OR_HER.search(goal)
    if pronoun is None:
        return goal
    if speaker.kind != "spectra" and _SOMEONE_NAMED.search(goal[1 : pronoun.start()]):
        return goal
    return herself_in_first_person(goal)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _opinion(affinity: float, name: str) -> str:
    them = first_name(name)
    if affinity >= FRIEND:
        return f"{them} is a good soul"
    if affinity <= RIVAL:
        return f"I wouldn't trust {them}"
    return f"{them} is hard to read"


def _stance(affinity: float) -> str:
    return "friend" if affinity >= FRIEND else "rival" if affinity <= RIVAL else "plain"


def compose_exchange(
    *,
    speaker: CharacterState,
    listener: CharacterState | None,
    listener_id: int,
    listener_name: str,
    listener_kind: str,
    place: str,
    hour: int,
    tick: int,
    rng: random.Random,
    standing: int | None = None,
    known_elsewhere: tuple[Neighbour, ...] = (),
    belief: str = "",
    introducing: bool = False,
    listener_famous: bool = False,
    rules: Mapping[str, Sequence[str]] = RULES,
) -> tuple[Turn, ...]:
    """The turns of one exchange. `listener` is None for one who answers for themself (a
    player): then only the speaker's opening line is composed. `rules`: the talk grammar in
    force (the shipped one with designers' edits, `world.voice.grammar_rules_get`)."""
    part = time_of_day(hour)
    topic = choose_topic(
        speaker, listener, tick=tick, rng=rng, standing=standing, known_elsewhere=known_elsewhere, belief=belief
    )
    a = _Voice(speaker.id, speaker.name, speaker.kind, speaker)
    b = _Voice(listener_id, listener_name, listener_kind, listener)
    common = {"place": place, "daypart": rng.choice(DAYPARTS[part]), "partday": part}

    def say(voice: _Voice, to: _Voice, act: str, symbol: str, extra: dict | None = None, fact: Fact | None = None):
        bindings = {**common, **voice.bindings(to, rng), **topic.bindings, **(extra or {})}
        if voice.id == speaker.id and voice.state is not None and "goal" in bindings:
            bindings["goal"] = own_aim(bindings["goal"], voice.state)  # the goal in its holder's mouth
        text = _expand_or_shipped(rules, f"#{symbol}#", rng, bindings)
        if act in (ANSWER, REACT, FAREWELL) or topic.kind in TAILED:
            text += _tail_for(text, rules, rng, bindings)
        text = text.strip()
        # A line opens with a capital, unless with a name written otherwise (a player "wren").
        if not any(name and text.startswith(name) for name in (bindings.get("you"), bindings.get("me"))):
            text = capitalise(text)
        text = without_repeats(text)
        return Turn(voice.id, voice.name, voice.kind, to.id, to.name, act, topic.kind, text, fact)

    a_view = speaker.regard_of(listener_id)
    familiar = a_view.familiarity >= KNOWN_AT_LEAST
    same_faction = speaker.faction_id is not None and speaker.faction_id == (listener.faction_id if listener else None)
    if introducing:
        opening = "introduce_famous" if listener_famous else "introduce"
    elif _stance(a_view.affinity) == "rival":
        opening = "greet_rival"
    elif _stance(a_view.affinity) == "friend":
        opening = "greet_friend"
    elif same_faction and allegiance(speaker) is not None:
        opening = "greet_kin"
    else:
        opening = "greet_plain"
    topic_line = say(a, b, TOPIC, f"topic_{topic.kind}", fact=_told(topic))
    if topic.kind in ("person", "famous"):
        topic_line = Turn(**{**topic_line.__dict__, "about_id": topic.bindings["subject_id"]})
    if listener is None:
        greet = say(a, b, GREET, opening)
        return (Turn(**{**topic_line.__dict__, "text": f"{greet.text} {topic_line.text}", "fact": None}),)

    turns = [say(a, b, GREET, opening)]
    b_view = listener.regard_of(speaker.id)
    b_stance = _stance(b_view.affinity)
    if introducing or (not familiar and b_view.familiarity < KNOWN_AT_LEAST):
        back = "greet_back_stranger"
    else:
        back = f"greet_back_{b_stance}"
    turns.append(say(b, a, GREET, back))
    turns.append(topic_line)

    answer_symbol, agreed = _answer(topic, listener, b_stance, tick)
    swap = None
    if b_stance != "rival" and rng.random() < SWAP_SHARE:
        swap = _news_to_swap(listener, speaker, tick, rng)
    answer = say(b, a, ANSWER, answer_symbol)
    if swap is not None:
        extra = _expand_or_shipped(rules, "#swap#", rng, {"their_fact": swap.text})
        answer = Turn(**{**answer.__dict__, "text": answer.text + extra, "fact": swap})
    turns.append(answer)
    if swap is not None:
        reaction = "react_swap"
    elif topic.kind in ("fact", "gathering", "deed") and answer_symbol == "answer_news":
        reaction = "react_news"
    elif answer_symbol.startswith("answer_goal_warm") or answer_symbol == "answer_gathering_yes":
        reaction = "react_thanks"
    else:
        reaction = {True: "react_agree", False: "react_disagree", None: "react_curious"}[agreed]
    their = {"their_fact": swap.text} if swap is not None else {}
    turns.append(say(a, b, REACT, reaction, their))
    if b_stance == "rival" or rng.random() < FAREWELL_SHARE:
        turns.append(
            say(
                b,
                a,
                FAREWELL,
                f"farewell_{'cold' if b_stance == 'rival' else 'warm' if b_stance == 'friend' else 'plain'}",
            )
        )
    return tuple(turns)


TAIL_DRAWS = 3  # tails drawn for a line before it goes without one


def _tail_for(body: str, rules: Mapping[str, Sequence[str]], rng: random.Random, bindings: dict) -> str:
    """A closing clause that says something the line has not ("I woke curious about
    everything. And today finds me curious about everything, too." says one thing twice):
    a tail sharing a run of words with the line is drawn again, and after a few tries the
    line ends where it is."""
    for _ in range(TAIL_DRAWS):
        tail = _expand_or_shipped(rules, "#tail#", rng, bindings)
        if not says_again(body, tail):
            return tail
    return ""


def _expand_or_shipped(rules: Mapping[str, Sequence[str]], text: str, rng: random.Random, bindings: dict) -> str:
    """Designers' words, or the shipped ones if theirs cannot be expanded here (a binding
    this act lacks): a bad edit costs a line its new words, never the tick."""
    try:
        return expand(rules, text, rng, bindings)
    except GrammarError as error:
        if rules is RULES:
            raise
        logger.warning("talk grammar: %s; the shipped words speak instead", error)
        return expand(RULES, text, rng, bindings)


def _told(topic: _Topic) -> Fact | None:
    """The fact the listener learns from the topic line (news and lore; not a memory)."""
    return (
        topic.fact if topic.fact is not None and topic.kind in ("fact", "gathering", "deed", "lore", "secret") else None
    )


def _answer(topic: _Topic, listener: CharacterState, stance: str, tick: int) -> tuple[str, bool | None]:
    """The listener's answer to the topic, and whether it agrees (None: neither)."""
    kind = topic.kind
    if kind in ("fact", "deed"):
        known = topic.fact is not None and listener.knows(topic.fact.key)
        if known:
            return "answer_known", True
        return ("answer_deed" if kind == "deed" else "answer_news"), None
    if kind == "gathering":
        return ("answer_gathering_no" if stance == "rival" else "answer_gathering_yes"), stance != "rival"
    if kind == "memory":
        return ("answer_memory_warm" if stance == "friend" else "answer_memory_cool"), None
    if kind == "lore":
        known = topic.fact is not None and listener.knows(topic.fact.key)
        return ("answer_lore_known" if known else "answer_lore_new"), None
    if kind == "secret":
        return "answer_secret", True
    if kind in ("person", "famous"):
        regard = listener.regard.get(topic.bindings.get("subject_id"), STRANGER)
        if regard.familiarity < KNOWN_AT_LEAST and abs(regard.affinity) < FRIEND:
            return "answer_person_unknown", None
        theirs = _stance(regard.affinity)
        mine = (
            "friend"
            if "good soul" in topic.bindings["opinion"]
            else "rival"
            if "trust" in topic.bindings["opinion"]
            else "plain"
        )
        return {"friend": "answer_person_fond", "rival": "answer_person_cold", "plain": "answer_person_cool"}[
            theirs
        ], theirs == mine
    if kind == "goal":
        return {"friend": "answer_goal_warm", "rival": "answer_goal_cold", "plain": "answer_goal_cool"}[stance], (
            stance == "friend" if stance != "plain" else None
        )
    if kind == "faction_same":
        return "answer_faction_agree", True
    if kind == "faction_rival":
        return "answer_faction_defend", False
    if kind == "faction_friendly":
        return "answer_faction_mild", None
    if kind == "belief":
        return ("answer_belief_doubt" if stance == "rival" else "answer_belief_agree"), stance != "rival"
    return "answer_place", None


def _news_to_swap(listener: CharacterState, speaker: CharacterState, tick: int, rng: random.Random) -> Fact | None:
    """Fresh news of the listener's own that the speaker lacks, the freshest and weightiest
    most likely."""
    found = [
        fact
        for fact in listener.facts
        if fact.kind in TELLABLE
        and not speaker.knows(fact.key)
        and not own_deed(fact, speaker)
        and tellable(fact, speaker)
        and freshness(fact, tick) > 0
    ]
    if not found:
        return None
    return found[_pick([0.1 + fact.importance * freshness(fact, tick) for fact in found], rng)]


@dataclass(frozen=True)
class _Voice:
    id: int
    name: str
    kind: str
    state: CharacterState | None

    def bindings(self, to: _Voice, rng: random.Random) -> dict:
        """This voice's own words: its name, its feeling, its faction; the other's name."""
        found = {"me": first_name(self.name), "you": first_name(to.name)}
        if self.state is not None:
            found["feeling"] = rng.choice(FEELINGS.get(self.state.mood, FEELINGS["calm"]))
            goals = [g for g in self.state.goals if not guarded(g, to.state, self.state)]
            found["my_goal"] = (
                own_aim(_lower_first(rng.choice(goals).rstrip(".")), self.state) if goals else rng.choice(ERRANDS)
            )
            mine = allegiance(self.state)
            found["my_faction"] = mine.subject if mine else "my people"
            found["their_aim"] = mine.text if mine else "keep going"
        else:
            found["feeling"], found["my_goal"] = "well", rng.choice(ERRANDS)
            found["my_faction"], found["their_aim"] = "my people", "keep going"
        theirs = allegiance(to.state) if to.state is not None else None
        found["their_faction"] = theirs.subject if theirs else "your people"
        return found
