"""Celery tasks of the spectra app: thin wrappers around services."""

from celery import shared_task

from spectra import replies, services

REPLY_TO_PLAYER_TASK = "spectra.reply_to_player"
MIND_CATCH_UP_TASK = "spectra.mind_catch_up"


@shared_task(name=REPLY_TO_PLAYER_TASK, bind=True, ignore_result=True)
def reply_to_player(
    self,
    *,
    speaker_id: int,
    player_id: int,
    heard: str,
    location_id: int,
    tick: int,
    in_reply_to: int | None = None,
    in_reply_to_request_id: str | None = None,
) -> None:
    """Answer a player (see `spectra.replies.reply_to_player`)."""
    replies.reply_to_player(
        speaker_id=speaker_id,
        player_id=player_id,
        heard=heard,
        location_id=location_id,
        tick=tick,
        in_reply_to=in_reply_to,
        in_reply_to_request_id=in_reply_to_request_id,
        # In a worker each send runs on a fresh event loop: close its Redis pools after. Called
        # directly (the server's thread, inline), the sends share the caller's loop: keep them.
        close_channel_pools=not self.request.called_directly,
    )


@shared_task(name=MIND_CATCH_UP_TASK, ignore_result=True)
def mind_catch_up(*, work: str, event_ids: list[int]) -> None:
    """What a player did, felt by Spectra and the NPCs (see `spectra.services.mind_catch_up`)."""
    services.mind_catch_up(work=work, event_ids=event_ids)
