"""Let designers edit the words NPCs talk with (the talk grammar's symbols)."""

from django.db import migrations

from htrae.designers import designers_group_sync


class Migration(migrations.Migration):
    dependencies = [
        ("htrae", "0004_designers_goals_and_routines"),
        ("world", "0008_grammar_symbols"),
    ]

    operations = [migrations.RunPython(designers_group_sync, migrations.RunPython.noop)]
