"""Create the Designers group with its admin permissions."""

from django.db import migrations

from htrae.designers import designers_group_sync


def remove_designers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Designers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("world", "0001_initial"),
        ("narrative", "0002_initial"),
        ("memory", "0002_initial"),
    ]

    operations = [migrations.RunPython(designers_group_sync, remove_designers_group)]
