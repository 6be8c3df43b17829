"""`manage.py export_world FILE`: the whole world as one JSON snapshot (htrae.snapshot)."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from htrae.snapshot import snapshot_row_count, world_export


class Command(BaseCommand):
    help = "Write the whole world (every row of its tables, and its players' accounts) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the snapshot ('-' for standard output).")

    def handle(self, *args, file: str, **options):
        total = snapshot_row_count()
        with tqdm(total=total, unit="row", desc="Exporting", file=sys.stderr, disable=None) as bar:
            if file == "-":
                count = world_export(self.stdout, progress=bar.update)
            else:
                with open(file, "w", encoding="utf-8") as stream:
                    count = world_export(stream, progress=bar.update)
        if file != "-":
            self.stdout.write(self.style.SUCCESS(f"Exported {count} rows to {file}."))
