"""The one text matcher (`htrae.text`): meaningful words and names mentioned."""

import pytest

from htrae.text import STOP_WORDS, bare_name, content_words, herself_in_first_person, is_stop_word, mention_at, mentions


def test_content_words_drop_stop_words_short_words_and_case():
    assert content_words("The Lamps of the Harbour burned; I think they know!") == {"lamps", "harbour", "burned"}
    assert content_words("Bring me the lens, find the key, keep the lamp") == {"lens", "key", "lamp"}
    assert content_words("a b c") == set()


def test_content_words_are_runs_of_letters():
    # digits, underscores and apostrophes split words; what is left of a contraction is too short or common
    assert content_words("Spectra's lamp-tender owes 12 coins_each", min_length=3) == {
        "spectra",
        "lamp",
        "tender",
        "owes",
        "coins",
    }  # "each" is a stop word
    assert content_words("Élodie sang à la fenêtre") >= {"élodie", "sang", "fenêtre"}


def test_min_length_is_a_floor_not_a_ceiling():
    assert content_words("oak elm yew birch", min_length=4) == {"birch"}
    assert content_words("oak elm yew birch", min_length=3) == {"oak", "elm", "yew", "birch"}


def test_stop_words_cover_contractions_both_apostrophes():
    assert is_stop_word("it's") and is_stop_word("IT\u2019S") and is_stop_word("Don't")
    assert not is_stop_word("lantern")
    assert all(word == word.lower() and word.isalpha() for word in STOP_WORDS)


@pytest.mark.parametrize(
    ("text", "name", "found"),
    [
        ("I met Oren Vael by the water", "Oren Vael", True),
        ("i met OREN VAEL", "Oren Vael", True),
        ("Have you seen the Glass Market?", "The Glass Market", True),
        ("Have you seen Glass Market?", "The Glass Market", True),
        ("the glass marketplace", "The Glass Market", False),  # inside a longer word
        ("Ashgrove is far", "Ash", False),
        ("Ash, is that you?", "Ash", True),
        ("Spectra's lamp", "Spectra", True),
        ("(Oren)", "Oren", True),
        ("Al went home", "Al", False),  # too short to find safely
        ("anything", "", False),
        ("Oren.Vael", "Oren Vael", False),
    ],
)
def test_mentions(text, name, found):
    assert mentions(text, name) is found


def test_regex_characters_in_a_name_are_literal():
    assert mentions("the Tallow & Tide (old inn)", "Tallow & Tide")
    assert not mentions("Tallow and Tide", "Tallow & Tide")
    assert not mentions("Mr Xs", "Mr. X")  # the dot is a dot, not any character


def test_mention_at_gives_the_first_place():
    assert mention_at("Oren? Yes, Oren.", "Oren") == 0
    assert mention_at("Hello oren", "Oren") == 6
    assert mention_at("Hello", "Oren") is None


def test_bare_name():
    assert bare_name("  The Glass Market ") == "Glass Market"
    assert bare_name("Theodora") == "Theodora"


@pytest.mark.parametrize(
    ("about_her", "in_her_words"),
    [
        (
            "Make a friend who neither fears her nor wants to own her",
            "Make a friend who neither fears me nor wants to own me",
        ),
        ("Learn why the lanterns change colour with her moods", "Learn why the lanterns change colour with my moods"),
        ("Find the heart of the broken Sun-Prism she woke from", "Find the heart of the broken Sun-Prism I woke from"),
        ("remember what it makes her remember", "remember what it makes me remember"),
        ("Let the marsh harp play her a song", "Let the marsh harp play me a song"),
        ("She keeps it for herself; it is hers.", "I keep it for myself; it is mine."),
        ("the prism she was born of, as she has said", "the prism I was born of, as I have said"),
        ("Learn the tide tables", "Learn the tide tables"),
    ],
)
def test_herself_in_first_person(about_her, in_her_words):
    assert herself_in_first_person(about_her) == in_her_words
