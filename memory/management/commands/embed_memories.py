"""`manage.py embed_memories`: embed the memories that have no embedding yet (the embedding
backend embeds new memories as they are made; this catches up the older ones)."""

from django.core.management.base import BaseCommand, CommandError

from memory.embeddings import embedding_enabled
from memory.services import memories_embed


class Command(BaseCommand):
    help = "Embed memories that have no embedding (MEMORY_RELEVANCE_BACKEND=embedding)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=256, help="Memories per call to the embedder.")
        parser.add_argument("--redo", action="store_true", help="Embed every memory again (a new MEMORY_EMBEDDER).")

    def handle(self, *args, batch_size: int, redo: bool, **options):
        if not embedding_enabled():
            raise CommandError("Set MEMORY_RELEVANCE_BACKEND=embedding first.")
        if batch_size < 1:
            raise CommandError("--batch-size takes a positive number.")
        count = memories_embed(batch_size=batch_size, redo=redo)
        self.stdout.write(self.style.SUCCESS(f"{count} memories embedded."))
