"""Understanding what a player says (pure): what they want (`Intent`) and what they name.

`understand(heard, catalogue=..., previous=...)` reads a line as one intent:

- greeting, farewell, thanks: the courtesies;
- where: where a place, person, faction's home or thing is, or the way there;
- who: who someone is (the speaker themself for "who are you?");
- opinion: what the speaker thinks or feels of someone or something;
- about: what something is, what a lore entry tells, what happened;
- quest: what the player should do next, work the speaker has for them;
- feelings: how the speaker is;
- request: asking the speaker to do or give something;
- chat: anything else.

Besides the intent: whether it asks the speaker about themself, for news, for a story, or who
else is here ("who is here?", "anyone around?": `wants_company`).

And the entities it names (`Entity`: a place, person, faction, lore entry, quest or object), by
name or alias, in any case, whole words only ("Oren", "Vael", "the Guild", "Mags", "Vell").
A follow-up ("and what about the Guild?", "where is it?") takes the intent or the entities it
lacks from the previous line (`previous`). A greeting with a question is the question, greeted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from htrae.text import APOSTROPHES, STOP_WORDS, bare_name, mention_at
from spectra.knowledge import Kind


class Intent:
    GREETING = "greeting"
    FAREWELL = "farewell"
    THANKS = "thanks"
    WHERE = "where"
    WHO = "who"
    OPINION = "opinion"
    ABOUT = "about"
    QUEST = "quest"
    FEELINGS = "feelings"
    REQUEST = "request"
    AIM = "aim"  # what the one asked is doing, after, working on
    CHAT = "chat"

    ALL = (GREETING, FAREWELL, THANKS, WHERE, WHO, OPINION, ABOUT, QUEST, FEELINGS, REQUEST, AIM, CHAT)


@dataclass(frozen=True)
class Entity:
    """Something a line can name: its kind, id, name and the other words it goes by."""

    kind: str
    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Understanding:
    intent: str
    entities: tuple[Entity, ...] = ()  # in the order they were named
    greets: bool = False  # the line opens with a greeting
    asks_about_self: bool = False  # "you", "yourself": the speaker is the subject
    wants_news: bool = False  # "what's the news?": what the speaker heard lately
    wants_story: bool = False  # "tell me a story": any tale the speaker knows
    wants_company: bool = False  # "who is here?": who else stands where the speaker does
    follow_up: bool = False  # it leaned on the previous line
    said: str = ""  # the line, normalised, without the names it calls anyone by

    @property
    def entity(self) -> Entity | None:
        return self.entities[0] if self.entities else None


def _patterns(*alternatives: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives))


_GREETING = _patterns(
    r"^(?:hello|hi|hey|hiya|greetings|hail|howdy|well met|good (?:morning|evening|day|afternoon|night))\b"
)
_FAREWELL = _patterns(
    r"\b(?:goodbye|good-bye|bye|farewell|see you|so long|until next time|take care)\b",
    r"^(?:good night|i must go|i(?:'ll| will) be going|i should go)\b",
)
_THANKS = _patterns(r"^(?:thanks|thank you|many thanks|cheers|much obliged|my thanks)\b")
_QUEST = _patterns(
    r"\bwhat (?:should|shall|must|can|could|do) i do\b",
    r"\bwhat (?:now|next)\b",
    r"\b(?:any|some|a) (?:work|job|task|quest|errand|help)s?\b",
    r"\bquests?\b",
    r"\b(?:can|could|may|how can|how could) i (?:help|assist|be of use)\b",
    r"\bwhat do you need\b",
    r"\bneed (?:a hand|help|anything)\b",
    r"\bmy next step\b",
    r"\bwhere should i (?:go|start|begin)\b",
    r"\bwhat(?:'s| is) (?:my|the) next\b",
)
_WHERE = _patterns(
    r"\bwhere\b",
    r"\bhow (?:do|can|would|might|should|will) (?:i|we|one) (?:get|reach|find|go|travel)\b",
    r"\b(?:the )?(?:way|road|path|directions?) (?:to|for)\b",
    r"\bwhich way\b",
    r"\bhow far\b",
    r"\bhow (?:to )?get to\b",
)
_FEELINGS = _patterns(
    r"\bhow are you\b",
    r"\bhow do you feel\b(?! about| of| toward)",
    r"\bhow(?:'s| is) (?:it going|your (?:day|mood|heart))\b",
    r"\bare you (?:ok|okay|well|alright|all right|sad|happy|afraid|scared|angry|lonely|tired|worried)\b",
    r"\bwhat(?:'s| is) (?:wrong|troubling you|the matter|on your mind)\b",
    r"\bhow have you been\b",
    r"\byou (?:seem|look) (?:sad|happy|worried|tired|upset|troubled|glad|well)\b",
    r"\bhow(?: are| do) you feel(?:ing)?\b(?! about| of| toward)",
)
_OPINION = _patterns(
    r"\bhow do you feel (?:about|of|toward)\b",
    r"\bwhat do you (?:think|make) (?:of|about)\b",
    r"\b(?:your|you) (?:opinion|view|thoughts?) (?:of|on|about)\b",
    r"\bdo you (?:like|trust|hate|love|fear|dislike|respect|believe)\b",
    r"\bhow do you (?:find|see|regard|get on with|get along with)\b",
    r"\b(?:think|thoughts) (?:of|about|on)\b",
    r"\bcan (?:i|we) trust\b",
    r"\bare (?:they|the) .{0,40}(?:trustworthy|friends|enemies|dangerous)\b",
    r"\bis (?:he|she|it|they) (?:trustworthy|a friend|dangerous|kind|good)\b",
)
_AIM = _patterns(
    r"\bwhat (?:are|were) you (?:doing|working on|up to|after|making|planning|busy with|hoping for|looking for)\b",
    r"\bwhat(?:'s| is| are) your (?:goals?|plans?|aims?|work|task|business|purpose)\b",
    r"\bwhat do you (?:want|hope for|seek|wish for|plan|mean to)\b",
    r"\bwhat brings you\b",
    r"\bwhat keeps you busy\b",
)
_WHO = _patterns(r"\bwho\b")
_ABOUT = _patterns(
    r"\bwhat (?:is|are|was|were|happened|lies|became|about)\b",
    r"\bwhat(?:'s| s)\b",
    r"\btell me\b",
    r"\b(?:do|did) you know\b",
    r"\bwhat do you know\b",
    r"\bhave you (?:heard|seen)\b",
    r"\b(?:story|legend|tale|history|myth|secret)s? of\b",
    r"\bexplain\b",
    r"\bwhy\b",
    r"\bever heard\b",
)
_REQUEST = _patterns(
    r"^(?:please )?(?:can|could|would|will) you\b",
    r"\bplease\b",
    r"\bgive me\b",
    r"\blend me\b",
    r"\bhelp me\b",
    r"\bi (?:need|want) (?:you|your)\b",
)
_NEWS = _patterns(r"\b(?:news|rumou?rs?|gossip|word on the)\b", r"\bwhat(?:'s| is) (?:new|happening|going on)\b")
_COMPANY = _patterns(
    r"\bwho(?:'s| is| are)?(?: else)?(?: is)? (?:here|around|present|in here|with (?:you|us))\b",
    r"\b(?:any|some)(?:one|body)(?: else)? (?:here|around)\b",
)
_STORY = _patterns(r"\b(?:a|any|some) (?:story|stories|tale|tales|legend|legends|myth|myths)\b")
_FOLLOW_UP = _patterns(r"^(?:and|but|so|then)\b", r"^(?:what|how) about\b", r"^and what about\b")
_PRONOUN = re.compile(r"\b(?:it|its|him|he|his|she|her|them|they|their|there|that place|that one|those)\b")
_SELF = re.compile(r"\b(?:you|yourself|your)\b")
_SELF_WHO = _patterns(
    r"\bwho are you\b",
    r"\btell me about yourself\b",
    r"\bwhat(?:'s| is) your name\b",
    r"\bwhat do you do\b",
    r"\bwho might you be\b",
)
_QUOTE = re.compile(f'["“”{APOSTROPHES}]')
_SPACES = re.compile(r"\s+")


_SUBJECTLESS = re.compile(r"(?:who|what)(?: is|'s| was| are)?\s*[?.!]*")


def normalise(heard: str) -> str:
    """Lower-cased, with curly apostrophes straightened and runs of space single."""
    text = heard.replace("\u2019", "'").replace("“", '"').replace("”", '"')
    return _SPACES.sub(" ", text.strip().lower())


_CALL_OPENERS = r"(?:hey|oh|so|well|now|hello|hi|greetings|good (?:morning|afternoon|evening|day))"


def _opener_kept(match: re.Match) -> str:
    return f"{match.group(1)}, " if match.group(1) else ""  # "hello, who is here?" still greets


def without_address(text: str, names: Iterable[str]) -> str:
    """ "oren, who is ...?" → "who is ...?"; "what now, oren?" → "what now?": the name the
    player called the speaker by says nothing of what they asked."""
    for name in sorted({name.lower() for name in names if name}, key=len, reverse=True):
        escaped = re.escape(name)
        text = re.sub(rf"^(?:({_CALL_OPENERS})\s+)?{escaped}\s*[,!:.]\s*", _opener_kept, text)
        text = re.sub(rf",?\s+{escaped}\s*([?.!]*)$", r"\1", text)
    return text.strip()


def called_names(text: str, catalogue: Sequence[Entity]) -> tuple[str, ...]:
    """The names of the person a line calls to, whoever answers it: "spectra, who is halden?"
    or "who is halden, spectra?" said where only Halden stands is put to Spectra by name, and
    says nothing of her. (Taken for the subject, Halden told the player who Spectra was.)"""
    for entity in catalogue:
        if entity.kind != Kind.PERSON:
            continue
        names = {entity.name.lower(), *(alias.lower() for alias in entity.aliases)}
        for name in sorted(names, key=len, reverse=True):
            escaped = re.escape(name)
            opening = re.match(rf"^(?:{_CALL_OPENERS}\s+)?{escaped}\s*[,!:]\s*\S", text)
            closing = re.search(rf"\S\s*,\s*{escaped}\s*[?.!]*$", text)
            if opening or closing:
                return tuple(sorted(names))
    return ()


def is_question(heard: str) -> bool:
    words = normalise(heard).split()
    openers = {"who", "what", "when", "where", "why", "how", "which", "is", "are", "do", "does", "did", "can", "could"}
    return heard.rstrip().endswith("?") or bool(words and words[0].strip(",") in openers)


# --- Entities ----------------------------------------------------------------------------

_GENERIC = frozenset(
    {"market", "ruins", "terrace", "light", "stair", "steps", "court", "grove", "gardens", "landing", "fen"}
    | {"harbour", "tide", "tree", "bell", "choir", "oath", "guild", "clan", "order", "tower", "city"}
)
_GUILDS = frozenset({"guild", "order", "brotherhood", "company"})


def aliases_of(kind: str, name: str) -> tuple[str, ...]:
    """The other words an entity goes by: its name without "The"; a person's first name,
    last name and quoted nickname ('Margery "Mags" Tallow'); the proper name after "of" in a
    place's ("The Sky Harbour of Vell": "Vell", "Sky Harbour"); a faction's last word ("the
    Guild", "the Accord") and its people ("Glasswrights"). Single common words are left out."""
    bare = bare_name(_QUOTE.sub('"', name))
    found: list[str] = [bare]
    quoted = re.findall(r'"([^"]+)"', bare)
    plain = _SPACES.sub(" ", re.sub(r'"[^"]+"', " ", bare)).strip()
    if quoted or plain != bare:
        found += [*quoted, plain]
    words = plain.split()
    if kind == Kind.PERSON and len(words) >= 2:
        found += [words[0], words[-1]]
    if kind in (Kind.PLACE, Kind.LORE, Kind.OBJECT) and " of " in plain:
        before, after = plain.split(" of ", 1)
        if after[:1].isupper():
            found.append(after)
        if len(before.split()) >= 2:
            found.append(before)
    if kind == Kind.PLACE and len(words) == 2 and words[1].lower() in _GENERIC and len(words[0]) >= 8:
        found.append(words[0])  # "Cloudbreak Light" → "Cloudbreak"; a short word may be common ("Glass")
    if "&" in plain:
        found.append(plain.replace("&", "and"))
    if kind == Kind.FACTION and len(words) >= 2:
        found.append(words[-1])  # "the Guild", "the Accord": a faction's own word
        if words[-1].lower() in _GUILDS:
            found.append(f"{words[0]}s")  # "the Glasswrights"
    if kind == Kind.FACTION and words and words[-1].endswith("s"):
        found.append(" ".join([*words[:-1], words[-1][:-1]]))  # "Drift Clan"
    kept = [
        alias
        for alias in dict.fromkeys(alias.strip() for alias in found)
        if len(alias) >= 3
        and alias.lower() not in STOP_WORDS
        and (alias == bare or kind == Kind.FACTION or alias.lower() not in _GENERIC)
    ]
    return tuple(kept)


def catalogue_of(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """The entities with their aliases, an alias two entities of one kind share dropped from
    both (their full names still tell them apart)."""
    entities = list(entities)
    owners: dict[tuple[str, str], set[int]] = {}
    with_aliases = []
    for entity in entities:
        aliases = entity.aliases or aliases_of(entity.kind, entity.name)
        with_aliases.append((entity, aliases))
        for alias in aliases[1:]:
            owners.setdefault((entity.kind, alias.lower()), set()).add(entity.id)
    return tuple(
        Entity(
            entity.kind,
            entity.id,
            entity.name,
            tuple(
                alias
                for index, alias in enumerate(aliases)
                if index == 0 or len(owners[(entity.kind, alias.lower())]) == 1
            ),
        )
        for entity, aliases in with_aliases
    )


def entities_named(text: str, catalogue: Sequence[Entity], *, exclude: Iterable[str] = ()) -> tuple[Entity, ...]:
    """The entities `text` names, in the order named: at each place, the longest name wins
    (the Drowned Bell Fen over the Drowned Bell); the same words naming entities of several
    kinds name them all (the place and the lore entry "The Ruins of Aurel")."""
    excluded = {word.lower() for word in exclude}
    spans: list[tuple[int, int, int, Entity]] = []
    for order, entity in enumerate(catalogue):
        for alias in entity.aliases or (bare_name(entity.name),):
            if alias.lower() in excluded:
                continue
            at = mention_at(text, alias)
            if at is not None:
                spans.append((at, at + len(bare_name(alias)), order, entity))
    spans.sort(key=lambda span: (span[0], -(span[1] - span[0]), span[2]))
    chosen: list[tuple[int, int, Entity]] = []
    for start, end, _, entity in spans:
        overlaps = [(s, e) for s, e, _ in chosen if s < end and start < e]
        fits = not overlaps or all((s, e) == (start, end) for s, e in overlaps)
        if fits and all(other.id != entity.id or other.kind != entity.kind for _, _, other in chosen):
            chosen.append((start, end, entity))
    return tuple(entity for _, _, entity in chosen)


# --- Intent ------------------------------------------------------------------------------


# The first pattern a line matches names its intent: questions before courtesies.
_INTENTS_IN_ORDER = (
    (_QUEST, Intent.QUEST),
    (_WHERE, Intent.WHERE),
    (_AIM, Intent.AIM),
    (_OPINION, Intent.OPINION),
    (_FEELINGS, Intent.FEELINGS),
    (_WHO, Intent.WHO),
    (_ABOUT, Intent.ABOUT),
    (_REQUEST, Intent.REQUEST),
    (_FAREWELL, Intent.FAREWELL),
    (_THANKS, Intent.THANKS),
    (_GREETING, Intent.GREETING),
)


def intent_of(text: str) -> str:
    """The one intent of a normalised line (see the module docstring), courtesies last unless
    the line is nothing more."""
    return next((intent for pattern, intent in _INTENTS_IN_ORDER if pattern.search(text)), Intent.CHAT)


def understand(
    heard: str,
    *,
    catalogue: Sequence[Entity] = (),
    previous: Understanding | None = None,
    speaker_names: Iterable[str] = (),
) -> Understanding:
    """What the player wants and what they named (see the module docstring). The speaker's
    and the listener's names (`speaker_names`) are the address, never the subject."""
    names = [name for name in speaker_names if name]
    names += [name for name in called_names(normalise(heard), catalogue) if name not in names]
    text = without_address(normalise(heard), names)
    entities = entities_named(heard, catalogue, exclude=names)
    intent = intent_of(text)
    greets = bool(_GREETING.search(text))
    asks_about_self = bool(_SELF_WHO.search(text)) and not entities
    follow_up = False
    leaning = bool(_FOLLOW_UP.search(text)) or (not entities and bool(_PRONOUN.search(text)))
    if previous is not None and leaning:
        if not entities and previous.entities:
            entities = previous.entities
            follow_up = True
        if (
            intent in (Intent.CHAT, Intent.ABOUT)
            and _FOLLOW_UP.search(text)
            and previous.intent
            not in (
                Intent.GREETING,
                Intent.FAREWELL,
                Intent.THANKS,
                Intent.CHAT,
            )
        ):
            intent = previous.intent
            follow_up = True
    if intent == Intent.CHAT and entities and is_question(heard):
        intent = Intent.ABOUT
    if intent == Intent.AIM and entities:  # "what do you want with the Prism Shard?": about it
        intent = Intent.ABOUT
    if intent == Intent.WHO and asks_about_self:
        intent = Intent.WHO
    if intent == Intent.ABOUT and not entities and _SELF.search(text) and _SELF_WHO.search(text):
        intent, asks_about_self = Intent.WHO, True
    # "Who is Halden Roe?" said to Halden: the name left once the address is gone is the
    # subject, and the subject is the one asked.
    # (Taken for an address at the end of the line, the name left the question without a subject.)
    subjectless = _SUBJECTLESS.fullmatch(text) is not None
    named = any(re.search(rf"\b{re.escape(name.lower())}\b", normalise(heard)) for name in names)
    if named and subjectless and not entities:
        intent, asks_about_self = Intent.WHO, True
    return Understanding(
        intent=intent,
        entities=entities,
        greets=greets,
        asks_about_self=asks_about_self,
        follow_up=follow_up,
        wants_news=not entities and bool(_NEWS.search(text)),
        wants_story=not entities and bool(_STORY.search(text)),
        wants_company=not entities and bool(_COMPANY.search(text)),
        said=text,
    )
