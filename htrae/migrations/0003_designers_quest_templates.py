"""Let designers edit quest templates too."""

from django.db import migrations

from htrae.designers import designers_group_sync


class Migration(migrations.Migration):
    dependencies = [
        ("htrae", "0002_designers_modifiers_and_discoveries"),
        ("narrative", "0004_quest_templates_and_deadlines"),
    ]

    operations = [migrations.RunPython(designers_group_sync, migrations.RunPython.noop)]
