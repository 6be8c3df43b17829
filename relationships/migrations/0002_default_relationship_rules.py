"""Load the shipped relationship rules; designers edit them in the admin after."""

from django.db import migrations

from htrae.designers import designers_group_sync
from relationships.defaults import relationship_rules_load


def load_defaults(apps, schema_editor):
    relationship_rules_load(apps.get_model("relationships", "RelationshipRule"))


class Migration(migrations.Migration):
    dependencies = [("relationships", "0001_relationships"), ("htrae", "0001_designers_group")]

    operations = [
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
        migrations.RunPython(designers_group_sync, migrations.RunPython.noop),
    ]
