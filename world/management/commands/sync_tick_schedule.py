"""`manage.py sync_tick_schedule`: apply TICK_INTERVAL_SECONDS to the world clock (unless a designer
has set the interval in the admin), then make Celery Beat's tick schedule match the clock."""

from django.core.management.base import BaseCommand

from world.services import TICK_SCHEDULE_NAME, tick_interval_apply, tick_schedule_sync


class Command(BaseCommand):
    help = "Create or update the periodic task that ticks the world (served mode)."

    def handle(self, *args, **options):
        tick_interval_apply()  # TICK_INTERVAL_SECONDS, unless a designer has set the pace
        tick_schedule_sync()
        self.stdout.write(self.style.SUCCESS(f"Celery Beat's '{TICK_SCHEDULE_NAME}' follows the world clock."))
