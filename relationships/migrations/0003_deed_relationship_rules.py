"""Load the shipped rules for deeds (quarrels, gifts, thefts) that are missing; rules a
designer has already made for the same event, role and tone are kept as they are."""

from django.db import migrations

from relationships.defaults import relationship_rules_load


def load_defaults(apps, schema_editor):
    relationship_rules_load(apps.get_model("relationships", "RelationshipRule"))


class Migration(migrations.Migration):
    dependencies = [("relationships", "0002_default_relationship_rules")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
