"""`manage.py event_log`: print the world's canonical event log (`world.reporting.event_log`),
one JSON object per line: what two runs of the same seed must agree on byte for byte."""

import sys

from django.core.management.base import BaseCommand

from world.reporting.event_log import event_log_lines


class Command(BaseCommand):
    help = "Print the canonical event log (tick, type, location, actor, payload), oldest first, as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl"], default="jsonl", help="Output format (JSON lines).")
        parser.add_argument("--after-tick", type=int, default=0, help="Only events of later ticks.")
        parser.add_argument("--until-tick", type=int, default=None, help="Only events up to this tick.")
        parser.add_argument(
            "--state", action="store_true", help="Append one line per character: place, energy, needs, feelings, goals."
        )

    def handle(self, *args, after_tick, until_tick, state, **options):
        out = sys.stdout  # raw: the command's style wrapper must not touch the bytes
        for line in event_log_lines(after_tick=after_tick, until_tick=until_tick, state=state):
            out.write(line + "\n")
