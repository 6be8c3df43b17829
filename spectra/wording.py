"""Wording (pure): putting the world's words into a speaker's sentences.

Whole sentences (`sentences_of`, `sentence`), a name's "The" inside a sentence
(`names_mid_sentence`), a description as what someone is (`predicate`, `role_of`), lists and
walking times, whether a text repeats a run of another's words (`shares_run`), and a text
written about someone as that one would say it (`in_own_voice`).
"""

from __future__ import annotations

import re

from htrae.text import first_person_verb

_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def sentences_of(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCES.split(" ".join(text.split())) if part.strip()]


def sentence(text: str) -> str:
    """Capitalised and ended with a stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if is_ended(text) else f"{text}."


def is_ended(text: str) -> bool:
    """Whether `text` ends its sentence: with a stop, or with a quotation (or aside) whose own
    words end with one (`“Mind the ferry.”` takes no second stop after its marks)."""
    words = text.rstrip().rstrip("”\"')")
    return bool(words) and words[-1] in ".!?…"


def lower_first(text: str) -> str:
    """'Lamp-warden of the Sunspire' → 'lamp-warden of the Sunspire', 'A young astronomer' →
    'a young astronomer'; a name or title keeps its capitals ('High Hierarch', "Spectra's"), and
    so does "I" ('I have come to trust Nessa' inside a sentence is not 'i have')."""
    words = text.split()
    if not words:
        return text
    first, second = words[0], words[1] if len(words) > 1 else ""
    plain = first[0].isupper() and (len(first) == 1 or first[1:].replace("-", "").islower())
    titled = len(first) > 1 and second[:1].isupper() and first.lower() not in ("the", "an")
    if plain and "'" not in first and not titled and first != "I":
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


def shares_run(text: str, line: str, *, length: int = 4) -> bool:
    """Whether `text` holds `length` words in a row of `line` (any case, punctuation aside)."""
    words = re.findall(r"[\w']+", line.lower())
    said = " ".join(re.findall(r"[\w']+", text.lower()))
    return any(" ".join(words[index : index + length]) in said for index in range(len(words) - length + 1))


def listed(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def hours_said(hours: float) -> str:
    halves = round(hours * 2)
    whole, half = divmod(halves, 2)
    if whole == 0:
        return "half an hour"
    return f"{whole}{'½' if half else ''} hour{'s' if halves > 2 else ''}"


_NOT_VERBS = frozenset({"and", "or", "nor", "to", "of", "with", "about", "at", "in", "for", "from"})


def in_own_voice(text: str, name: str) -> str:
    """A text written about `name` (a quest's title and description name its holder) as
    `name` would say it: "Lisel Brack: Teach the children" → "Teach the children",
    "Lisel Brack has long meant to" → "I have long meant to", "To go, Oren first has to
    find Pim" → "To go, I first have to find Pim", "Oren's errand" → "my errand", "with
    their own eyes" → "with my own eyes" where the holder is the one seeing."""
    if not name or name not in text:
        return text
    text = re.sub(rf"^{re.escape(name)}:\s*", "", text)
    text = text.replace(f"{name}'s", "my")

    def subject(match: re.Match) -> str:
        adverb, verb = match.group(1) or "", match.group(2)
        if verb.lower() in _NOT_VERBS:
            return f"me {adverb}{verb}"
        return f"I {adverb}{first_person_verb(verb)}"

    mine = re.sub(rf"{re.escape(name)} ((?:first |now |still )?)([A-Za-z]+)", subject, text)
    if mine != text:
        mine = mine.replace("their own", "my own")
    return mine.replace(name, "me")
