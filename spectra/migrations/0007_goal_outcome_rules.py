"""Load the shipped rules for a goal's outcome: satisfaction when one's own goal is achieved,
disappointment when it fails, and friends' and rivals' feelings about it (the tick's feelings
now come after the minds' phase, so they see these events)."""

from django.db import migrations

from spectra.defaults import occ_table_load


def load_occ(apps, schema_editor):
    occ_table_load(
        apps.get_model("spectra", "EmotionType"),
        apps.get_model("spectra", "AppraisalRule"),
        apps.get_model("spectra", "Standard"),
    )


class Migration(migrations.Migration):
    dependencies = [("spectra", "0006_occ_rules_and_standards")]

    operations = [migrations.RunPython(load_occ, migrations.RunPython.noop)]
