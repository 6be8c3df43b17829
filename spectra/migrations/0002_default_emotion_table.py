"""Load the shipped emotion table and appraisal rules; let designers edit them."""

from django.db import migrations

from htrae.designers import designers_group_sync
from spectra.defaults import emotion_table_load


def load_defaults(apps, schema_editor):
    emotion_table_load(apps.get_model("spectra", "EmotionType"), apps.get_model("spectra", "AppraisalRule"))


class Migration(migrations.Migration):
    dependencies = [
        ("spectra", "0001_initial"),
        ("htrae", "0001_designers_group"),
    ]

    operations = [
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
        migrations.RunPython(designers_group_sync, migrations.RunPython.noop),
    ]
