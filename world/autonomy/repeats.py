"""Saying one thing twice in a line, found and undone (pure): the grammar draws each part of
a line on its own, so a closing clause can repeat what the line already said."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CONNECTIVES = ("though ", "and ", "still, ", "still ", "anyway, ", "besides, ", "mind you, ")


def _gist(sentence: str) -> str:
    """A sentence without its connective, closing 'too' and punctuation, in lower case."""
    gist = sentence.lower().strip()
    for connective in _CONNECTIVES:
        if gist.startswith(connective):
            gist = gist[len(connective) :]
    gist = re.sub(r"[^\w\s]", "", gist)
    gist = re.sub(r"\s+too$", "", gist.strip())
    return " ".join(gist.split())


def without_repeats(text: str) -> str:
    """Drop a sentence that says again what an earlier one of the line said (a grammar's
    tail clause can draw the phrase the line opened with: "The Commons smells of woodsmoke
    this night. Though the Commons smells of woodsmoke this night.")."""
    kept: list[str] = []
    gists: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        gist = _gist(sentence)
        if gist and any(gist in earlier for earlier in gists):
            continue
        kept.append(sentence)
        gists.append(gist)
    return " ".join(kept)


SAID_AGAIN_WORDS = 3  # words in a row that, found again in a tail, say the line's thing twice


_FIRST_PERSON = frozenset({"I", "I'm", "I've", "I'll", "I'd"})
# Small words inside a name ("The Ruins of Aurel", "The Tallow & Tide"): a name is one word
# however many words it has, so renaming a place never changes what counts as said twice.
_NAME_JOINERS = frozenset({"of", "the", "and"})
_NAME = "\x00name"


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and word not in _FIRST_PERSON


def word_runs(text: str) -> set[tuple[str, ...]]:
    """The line's runs of words, a name (capitalised words in a row, with the small words
    that join them: a place, a person) counted as one word, "the name": naming a place twice
    is not saying one thing twice."""
    raw = re.sub(r"[^\w\s']", " ", text).split()
    words: list[str] = []
    for index, word in enumerate(raw):
        inside_name = (
            word in _NAME_JOINERS
            and bool(words)
            and words[-1] == _NAME
            and index + 1 < len(raw)
            and _is_capitalised(raw[index + 1])
        )
        if _is_capitalised(word) or inside_name:
            if not words or words[-1] != _NAME:
                words.append(_NAME)
        else:
            words.append(word.lower())
    return {tuple(words[i : i + SAID_AGAIN_WORDS]) for i in range(len(words) - SAID_AGAIN_WORDS + 1)}


def says_again(body: str, addition: str) -> bool:
    """Whether `addition` shares a run of `SAID_AGAIN_WORDS` words with `body`."""
    return bool(word_runs(body) & word_runs(addition))
