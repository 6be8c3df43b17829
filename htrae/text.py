"""Text matching every app shares (pure): which words of a text carry meaning, and whether a
text names someone or something.

- `STOP_WORDS`: the one list of words too common to say what a text is about (function
  words, greetings, and verbs any errand has: "find", "bring", "keep").
- `content_words(text, min_length=...)`: a text's meaningful words, lower-cased.
- `is_stop_word(word)`: "it's" is as empty as "it".
- `mentions(text, name)`, `mention_at(text, name)`: whether (and where) a text names `name`,
  as whole words in any case, a leading "The" optional ("the Glass Market", "Glass Market").

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
