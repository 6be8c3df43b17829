"""Load the shipped rules for clashes: anger in the one confronted and the one confronting,
fear in those who see it (Spectra most), and the standard by which the kind deplore a
quarrel and the quarrelsome relish it."""

from django.db import migrations

from spectra.defaults import occ_table_load


def load_occ(apps, schema_editor):
    occ_table_load(
        apps.get_model("spectra", "EmotionType"),
        apps.get_model("spectra", "AppraisalRule"),
        apps.get_model("spectra", "Standard"),
    )


class Migration(migrations.Migration):
    dependencies = [("spectra", "0008_emotion_sample_tick")]

    operations = [migrations.RunPython(load_occ, migrations.RunPython.noop)]
