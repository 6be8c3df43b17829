"""Project-wide abstract models."""

from django.db import models


class TimeStampedModel(models.Model):
    """A model that records when each row was created and last changed."""

    # No index: nothing looks rows up by it, and the tables the tick writes most (memories,
    # beliefs, relationships, characters) would pay for one on every write.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def history_link(to, *, on_delete, **options) -> models.ForeignKey:
    """A reference from a row of the world's history (an event, a memory, a learned fact, a
    conversation line, an emotion sample, a belief) that Django keeps, with no constraint in the
    database.

    A tick at 10,000 NPCs writes some 100,000 such rows. PostgreSQL checks a foreign key
    constraint at commit, one lookup and one row lock a row (Django makes them deferred): 1.7 s
    of that tick's commit, while players waited for its frames, and a lock on each character
    and place named. Without it the references stay whole the way every delete in Htrae is
    made: Django's collector applies `on_delete` (a deleted character's memories go, events
    it did lose their actor), `Character.delete` first waits for a tick in flight (whose rows
    may name it), and the retention prune clears what it drops itself (`world.history`).
    """
    return models.ForeignKey(to, on_delete=on_delete, db_constraint=False, **options)
