"""Load the shipped emotion table and appraisal rules; let designers edit them."""

from django.db import migrations

from htrae.designers import designers_group_sync
from spectra.defaults import EMOTIONS, RULES


def load_defaults(apps, schema_editor):
    EmotionType = apps.get_model("spectra", "EmotionType")
    AppraisalRule = apps.get_model("spectra", "AppraisalRule")
    for name, (pleasure, arousal, dominance, description) in EMOTIONS.items():
        EmotionType.objects.get_or_create(
            name=name,
            defaults={"pleasure": pleasure, "arousal": arousal, "dominance": dominance, "description": description},
        )
    emotions = {emotion.name: emotion for emotion in EmotionType.objects.all()}
    for event_type, role, applies_to, emotion, intensity, note in RULES:
        AppraisalRule.objects.get_or_create(
            event_type=event_type,
            role=role,
            applies_to=applies_to,
            defaults={"emotion": emotions[emotion], "intensity": intensity, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("spectra", "0001_initial"),
        ("htrae", "0001_designers_group"),
    ]

    operations = [
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
        migrations.RunPython(designers_group_sync, migrations.RunPython.noop),
    ]
