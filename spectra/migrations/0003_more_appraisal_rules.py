"""Add the shipped rules that are missing: afternoon light, people leaving her, quiet company."""

from django.db import migrations

from spectra.defaults import emotion_table_load


def load_missing(apps, schema_editor):
    emotion_table_load(apps.get_model("spectra", "EmotionType"), apps.get_model("spectra", "AppraisalRule"))


class Migration(migrations.Migration):
    dependencies = [("spectra", "0002_default_emotion_table")]

    operations = [migrations.RunPython(load_missing, migrations.RunPython.noop)]
