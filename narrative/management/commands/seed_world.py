"""`manage.py seed_world`: load the world of Htrae from its seed file (upsert by slug)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from narrative.seeding.loader import SeedError, generated_npcs_add, seed_world
from world.selectors import world_is_empty


class Command(BaseCommand):
    help = (
        "Load the world from the seed file (default: seed/htrae.yaml). Running it again updates "
        "what the file changed and nothing else. --npcs N adds N generated NPCs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="Seed file to load instead of SEED_WORLD_FILE.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed a world that has no locations yet, so designers' edits survive restarts.",
        )
        parser.add_argument("--npcs", type=int, default=0, metavar="N", help="Add N generated NPCs.")

    def handle(self, *args, file=None, if_empty=False, npcs=0, **options):
        if npcs < 0:
            raise CommandError("--npcs takes a number of NPCs, 0 or more.")
        try:
            if npcs and not world_is_empty():
                self._add_npcs(npcs, file)
                return
            report = seed_world(path=file, only_if_empty=if_empty)
            if report.skipped:
                self.stdout.write("The world already exists; left as it is (--if-empty).")
            else:
                for line in report.tally.lines():
                    self.stdout.write(f"  {line}")
                verdict = f"{report.changed} rows written" if report.changed else "nothing changed"
                self.stdout.write(self.style.SUCCESS(f"Seeded the world of Htrae: {verdict}."))
            if npcs:
                self._add_npcs(npcs, file)
        except SeedError as error:
            raise CommandError(str(error)) from error

    def _add_npcs(self, count: int, file) -> None:
        with tqdm(total=count, unit="npc", desc="Generating NPCs", file=sys.stderr) as bar:
            added = generated_npcs_add(count=count, path=file, on_batch=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Added {added} generated NPCs."))
