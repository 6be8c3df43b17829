"""Load the shipped OCC appraisal rules (goals, standards, likings) and personality standards,
reaching every emotion of the table; let designers edit the standards."""

from django.db import migrations

from htrae.designers import designers_group_sync
from spectra.defaults import occ_table_load


def load_occ(apps, schema_editor):
    occ_table_load(
        apps.get_model("spectra", "EmotionType"),
        apps.get_model("spectra", "AppraisalRule"),
        apps.get_model("spectra", "Standard"),
    )


class Migration(migrations.Migration):
    dependencies = [("spectra", "0005_appraisal_conditions_and_standards")]

    operations = [
        migrations.RunPython(load_occ, migrations.RunPython.noop),
        migrations.RunPython(designers_group_sync, migrations.RunPython.noop),
    ]
