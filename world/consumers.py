"""The simulation WebSocket (`/ws/simulation`): a thin consumer.

It authenticates the player, joins the groups it should hear (its location, itself, the
whole world), sends a `world_update` snapshot, then relays the frames `world.broadcast`
sends to those groups, and turns `player_action` messages into calls of
`world.services.player_action_apply`. docs/websocket.md describes the protocol.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ValidationError

from htrae.errors import DomainError
from world import services
from world.api import CharacterOutputSerializer
from world.broadcast import WORLD_GROUP, character_group, location_group, world_update_frame
from world.protocol import CLOSE_FLOODING, ProtocolError, RateLimiter, parse_client_message
from world.selectors import player_character_get, player_surroundings

logger = logging.getLogger(__name__)


@database_sync_to_async
def _character_for(user):
    return player_character_get(user=user)


@database_sync_to_async
def _snapshot(character) -> dict[str, Any]:
    """The connect (and after-move) `world_update`: the REST state's shape, own character included."""
    character.refresh_from_db()
    surroundings = player_surroundings(character=character)
    surroundings["character"] = CharacterOutputSerializer(character).data
    return world_update_frame(tick=surroundings.get("tick") or 0, surroundings=surroundings)


class SimulationConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        self.character = await _character_for(user) if user is not None and user.is_authenticated else None
        if self.character is None:
            await self.close()  # refuses the handshake: HTTP 403
            return
        self.rate = RateLimiter()
        self.location_id = self.character.location_id
        for group in (location_group(self.location_id), character_group(self.character.id), WORLD_GROUP):
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json(await _snapshot(self.character))

    async def disconnect(self, code: int) -> None:
        if getattr(self, "character", None) is None:
            return
        for group in (location_group(self.location_id), character_group(self.character.id), WORLD_GROUP):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        verdict = self.rate.hit()
        if verdict == "flood":
            await self.close(code=CLOSE_FLOODING)
            return
        try:
            if verdict == "limited":
                raise ProtocolError("rate_limited", "Too many messages; slow down.")
            action = parse_client_message(text_data)
        except ProtocolError as error:
            await self.send_error(error.code, error.message, request_id=error.request_id)
            return
        try:
            reply = await database_sync_to_async(services.player_action_apply)(
                character_id=self.character.id, request_id=action.request_id, action=action.action, data=action.data
            )
        except DomainError as error:
            await self.send_error(error.code, error.message, request_id=action.request_id)
            return
        except ValidationError as error:
            await self.send_error("invalid_field", " ".join(error.messages), request_id=action.request_id)
            return
        await self.send_json({"type": "ack", "request_id": action.request_id, "data": reply})
        if action.action == "move" and not reply.get("replayed"):
            destination = reply["location"]["id"]
            await self._follow_to(destination)
            # The player's other connections (another tab) follow too.
            await self.channel_layer.group_send(
                character_group(self.character.id), {"type": "player.relocated", "location_id": destination}
            )

    async def _follow_to(self, location_id: int) -> None:
        """After a move: hear the new place instead of the old, and see it at once."""
        if location_id != self.location_id:
            await self.channel_layer.group_discard(location_group(self.location_id), self.channel_name)
            await self.channel_layer.group_add(location_group(location_id), self.channel_name)
            self.location_id = location_id
        await self.send_json(await _snapshot(self.character))

    async def player_relocated(self, message: dict[str, Any]) -> None:
        if message["location_id"] != self.location_id:
            await self._follow_to(message["location_id"])

    async def world_frame(self, message: dict[str, Any]) -> None:
        """A frame from `world.broadcast`, sent to a group this client is in."""
        frame = message["frame"]
        if frame["type"] == "world_update" and frame["data"]["location"]["id"] != self.location_id:
            return  # queued for a place this client has just left
        await self.send_json(frame)

    async def send_error(self, code: str, message: str, *, request_id: str | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "data": {"code": code, "message": message}}
        if request_id is not None:
            frame["request_id"] = request_id
        await self.send_json(frame)

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, default=str))
