"""Reads of conversations: those a player may see, and their latest lines.

A player sees the conversations it took part in (it spoke, or was spoken to) wherever they
were, and every conversation held at the place where it stands now; nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from narrative.models import Conversation, ConversationMessage
from world.models import Character

_Participant = Conversation.participants.through


def _with(character_id: int) -> Exists:
    return Exists(_Participant.objects.filter(conversation_id=OuterRef("pk"), character_id=character_id))


def conversations_visible_qs(
    *, character: Character, with_id: int | None = None, place_id: int | None = None
) -> QuerySet[Conversation]:
    """The conversations `character` may see, narrowed to those `with_id` took part in and
    those held at `place_id` (None: any), with their place and participants (one query for
    the conversations, one for the participants)."""
    visible = _with(character.id)
    if character.location_id is not None:
        visible |= Q(location_id=character.location_id)
    conversations = Conversation.objects.filter(visible)
    if with_id is not None:
        conversations = conversations.filter(_with(with_id))
    if place_id is not None:
        conversations = conversations.filter(location_id=place_id)
    people = Character.objects.only("id", "name", "kind").order_by("id")
    return conversations.select_related("location").prefetch_related(Prefetch("participants", queryset=people))


@dataclass(frozen=True)
class ConversationView:
    """A conversation with its latest lines (oldest first) and how many it has in all."""

    conversation: Conversation
    lines: list[ConversationMessage]
    line_count: int


def conversations_with_lines(*, conversations: Iterable[Conversation], per_conversation: int) -> list[ConversationView]:
    """Each conversation with its last `per_conversation` lines and their speakers, and its
    number of lines (one query, however many conversations and lines)."""
    conversations = list(conversations)
    ids = [conversation.id for conversation in conversations]
    lines: dict[int, list[ConversationMessage]] = {conversation_id: [] for conversation_id in ids}
    totals = dict.fromkeys(ids, 0)
    by_conversation = [F("conversation_id")]
    rows = (
        ConversationMessage.objects.filter(conversation_id__in=ids)
        .select_related("speaker")
        .only("id", "conversation_id", "text", "tick", "speaker__id", "speaker__name", "speaker__kind")
        .annotate(
            newest=Window(RowNumber(), partition_by=by_conversation, order_by=F("id").desc()),
            total=Window(Count("id"), partition_by=by_conversation),
        )
        .filter(newest__lte=per_conversation)
        .order_by("conversation_id", "id")
    )
    for row in rows if ids else ():
        lines[row.conversation_id].append(row)
        totals[row.conversation_id] = row.total
    return [ConversationView(c, lines[c.id], totals[c.id]) for c in conversations]
