"""The turn of the day felt as each NPC's own day has gone: hope or dread at dawn by how
rested it is, satisfaction or disappointment at evening by whether its work is done, relief at
night for the tired. The unconditional rules that made every NPC feel it alike are switched
off, and so is Spectra's satisfaction at every pursuit of a goal: it now pleases her while it
brings the goal nearer, and distresses her at a goal her efforts no longer move."""

from django.db import migrations, models

from spectra.defaults import occ_table_load


def load_occ(apps, schema_editor):
    occ_table_load(
        apps.get_model("spectra", "EmotionType"),
        apps.get_model("spectra", "AppraisalRule"),
        apps.get_model("spectra", "Standard"),
    )


class Migration(migrations.Migration):
    dependencies = [("spectra", "0009_clash_rules")]

    operations = [
        migrations.AlterField(
            model_name="appraisalrule",
            name="condition",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Always"),
                    ("goal_advanced", "It advances one of the character's goals"),
                    ("goal_threatened", "It threatens one of the character's goals"),
                    ("praised", "The deed meets the character's standards"),
                    ("blamed", "The deed offends the character's standards"),
                    ("liked", "The character likes who or what it is about"),
                    ("disliked", "The character dislikes who or what it is about"),
                    ("loved", "The character loves who it is about"),
                    ("hated", "The character hates who it is about"),
                    ("weary", "The character is tired (low energy or in need of rest)"),
                    ("rested", "The character is fresh"),
                    ("fulfilled", "The character's need of purpose is met (its work done)"),
                    ("unfulfilled", "The character's need of purpose is unmet (its work undone)"),
                ],
                default="",
                help_text="What the event must mean to the character (OCC appraisal); the intensity scales with how much.",
                max_length=16,
            ),
        ),
        migrations.RunPython(load_occ, migrations.RunPython.noop),
    ]
