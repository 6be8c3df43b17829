"""Let designers edit NPCs' goals and daily routines."""

from django.db import migrations

from htrae.designers import designers_group_sync


class Migration(migrations.Migration):
    dependencies = [
        ("htrae", "0003_designers_quest_templates"),
        ("world", "0005_goals_routines_plans"),
    ]

    operations = [migrations.RunPython(designers_group_sync, migrations.RunPython.noop)]
