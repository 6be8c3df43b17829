"""`manage.py import_world FILE`: load a snapshot written by export_world (htrae.snapshot)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from htrae.errors import DomainError
from htrae.snapshot import snapshot_read, world_import
from world.services import tick_schedule_sync


class Command(BaseCommand):
    help = "Load a world snapshot, all or nothing: into an empty world, or with --replace instead of this one."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A snapshot written by export_world.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete this world (its rows and its players' accounts) first, in the same transaction.",
        )

    def handle(self, *args, file: str, replace: bool = False, **options):
        try:
            with open(file, encoding="utf-8") as stream:
                rows = snapshot_read(stream)
            with tqdm(total=len(rows), unit="row", desc="Importing", file=sys.stderr, disable=None) as bar:
                count = world_import(rows, replace=replace, progress=bar.update)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except DomainError as error:
            raise CommandError(f"Nothing was imported. {error.message}") from error
        tick_schedule_sync()  # Beat follows the imported clock (its pace, paused or not)
        self.stdout.write(self.style.SUCCESS(f"Imported {count} rows from {file}."))
