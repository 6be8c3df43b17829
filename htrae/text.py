"""Text matching every app shares (pure): which words of a text carry meaning, and whether a
text names someone or something.

- `STOP_WORDS`: the one list of words too common to say what a text is about (function
  words, greetings, and verbs any errand has: "find", "bring", "keep").
- `content_words(text, min_length=...)`: a text's meaningful words, lower-cased.
- `is_stop_word(word)`: "it's" is as empty as "it".
- `mentions(text, name)`, `mention_at(text, name)`: whether (and where) a text names `name`,
  as whole words in any case, a leading "The" optional ("the Glass Market", "Glass Market").
- `herself_in_first_person(text)`: a text written about her (Spectra's goals) as she says it.

Used by appraisal (what an event and a goal share), memory retrieval (relevance by shared
words), the offline dialogue composer (what a player talks about), insight (whom a memory
names), who answers a player (whom the player named), emergent quests (what a goal names).
"""

from __future__ import annotations

import re

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any anyone anything are aren around as
    ask at away be because been before being below between both bring but by can cannot could
    couldn did didn do does doesn doing don done down during each else ever every few find for
    from further get gets give go goes going gone good got great had hadn has hasn have haven
    having he hello her here hers herself hey hi him himself his how however i if in into is isn
    it its itself just keep know let like look made make many may maybe me mean might mine more
    most much must my myself need never no nor not nothing now of off oh ok okay on once one only
    or other our ours ourselves out over own please quite rather really right said same say says
    see seen shall she should shouldn so some someone something still such sure take tell than
    thank thanks that the their theirs them themselves then there these they thing things think
    this those though through to today too under until up upon us very want was wasn way we well
    went were weren what when where whether which while who whom whose why will with without won
    would wouldn yes yet you your yours yourself yourselves greetings goodbye bye dear friend
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
APOSTROPHES = "'\u2019"
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
MIN_NAME_LENGTH = 3  # a shorter name ("Al") would be found inside too much ordinary text
_NAME_PATTERNS: dict[str, re.Pattern] = {}


def is_stop_word(word: str) -> bool:
    """Whether `word` says nothing of what a text is about ("it's" counts as "it")."""
    return re.split(f"[{APOSTROPHES}]", word.lower())[0] in STOP_WORDS


def content_words(text: str, *, min_length: int = 2) -> set[str]:
    """The lower-case words of `text` of at least `min_length` letters that are not stop
    words."""
    return {word for word in _WORD.findall(text.lower()) if len(word) >= min_length and word not in STOP_WORDS}


def bare_name(name: str) -> str:
    """'The Glass Market' → 'Glass Market'."""
    return _LEADING_THE.sub("", name.strip())


def mention_at(text: str, name: str) -> int | None:
    """Where `text` first names `name`: its words whole (not inside another word), in any
    case, with or without a leading "The"; None if it does not. A name shorter than
    MIN_NAME_LENGTH is never found."""
    bare = bare_name(name)
    if len(bare) < MIN_NAME_LENGTH:
        return None
    pattern = _NAME_PATTERNS.get(bare)
    if pattern is None:
        pattern = _NAME_PATTERNS.setdefault(bare, re.compile(rf"(?<!\w){re.escape(bare)}(?!\w)", re.IGNORECASE))
    found = pattern.search(text)
    return found.start() if found else None


def mentions(text: str, name: str) -> bool:
    """Whether `text` names `name` (see `mention_at`)."""
    return mention_at(text, name) is not None


# Verbs whose first person is not the third less its "s".
_FIRST_PERSON_VERBS = {"has": "have", "is": "am", "was": "was", "does": "do", "goes": "go"}


def first_person_verb(verb: str) -> str:
    """'has' → 'have', 'means' → 'mean', 'saw' → 'saw': the verb after "I" for one after "she"."""
    lowered = verb.lower()
    if lowered in _FIRST_PERSON_VERBS:
        return _FIRST_PERSON_VERBS[lowered]
    if lowered.endswith("s") and not lowered.endswith(("ss", "us")) and len(lowered) > 3:
        return verb[:-1]
    return verb


# After "her", words that end the object ("fears her nor ...", "play her a song"); before it,
# verbs that take her as their object ("makes her remember"). Otherwise "her" is possessive.
_AFTER_OBJECT = frozenset(
    ["a", "an", "and", "as", "at", "but", "for", "from", "in", "nor", "of", "on", "or", "the", "to", "with"]
)
_VERBS_OF_HER = frozenset(
    [
        "find",
        "give",
        "help",
        "hear",
        "keep",
        "leave",
        "let",
        "lets",
        "make",
        "makes",
        "own",
        "play",
        "see",
        "show",
        "tell",
    ]
)
_HER = re.compile(r"\b(she|her|herself|hers)\b(\s+(\w+))?", re.IGNORECASE)


def herself_in_first_person(text: str) -> str:
    """A text written about her, as she says it herself: "fears her nor wants to own her" →
    "fears me nor wants to own me", "with her moods" → "with my moods", "the Sun-Prism she
    woke from" → "the Sun-Prism I woke from", "what it makes her remember" → "what it makes
    me remember". For Spectra, whose goals all speak of her; an NPC's "her" may be another's."""

    def replace(match: re.Match) -> str:
        word, rest, following = match.group(1).lower(), match.group(2) or "", (match.group(3) or "").lower()
        before = text[: match.start()].split()
        previous = before[-1].lower() if before else ""
        if word == "she":
            return "I" + (rest[: len(rest) - len(following)] + first_person_verb(match.group(3)) if following else "")
        if word == "herself":
            mine = "myself"
        elif word == "hers":
            mine = "mine"
        elif not following or following in _AFTER_OBJECT or previous in _VERBS_OF_HER:
            mine = "me"
        else:
            mine = "my"
        return mine + rest

    return _HER.sub(replace, text)
