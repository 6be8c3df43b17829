"""Let designers read characters' beliefs (read-only: reflection writes them)."""

from django.db import migrations

from htrae.designers import designers_group_sync


class Migration(migrations.Migration):
    dependencies = [
        ("htrae", "0003_designers_quest_templates"),
        ("memory", "0006_memory_feelings_and_beliefs"),
    ]

    operations = [migrations.RunPython(designers_group_sync, migrations.RunPython.noop)]
