"""Celery tasks of the memory app: thin wrappers around services."""

from celery import shared_task

from memory import model_insight

MODEL_INSIGHTS_TASK = "memory.model_insights"


@shared_task(name=MODEL_INSIGHTS_TASK, ignore_result=True)
def model_insights(*, character_ids: list[int], tick: int) -> None:
    """A model's insights for characters who just reflected (see `memory.model_insight`)."""
    model_insight.model_insights_run(character_ids=character_ids, tick=tick)
