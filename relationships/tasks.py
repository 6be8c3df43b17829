"""Celery tasks of the relationships app: thin wrappers around services."""

from celery import shared_task

from relationships import services

RELATIONSHIPS_CATCH_UP_TASK = "relationships.catch_up"


@shared_task(name=RELATIONSHIPS_CATCH_UP_TASK, ignore_result=True)
def relationships_catch_up(*, event_ids: list[int]) -> None:
    """What a player's action did to opinions (see `relationships.services.relationships_catch_up`)."""
    services.relationships_catch_up(event_ids=event_ids)
