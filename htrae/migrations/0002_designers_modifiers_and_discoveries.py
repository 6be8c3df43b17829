"""Let designers edit faction relation modifiers and lore discoveries too."""

from django.db import migrations

from htrae.designers import designers_group_sync


class Migration(migrations.Migration):
    dependencies = [
        ("htrae", "0001_designers_group"),
        ("narrative", "0003_relation_modifiers_lore_discoveries"),
        ("spectra", "0002_default_emotion_table"),
    ]

    operations = [migrations.RunPython(designers_group_sync, migrations.RunPython.noop)]
