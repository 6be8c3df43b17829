from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def last_ticks_from_lines(apps, schema_editor):
    """Each conversation's latest line (its start if it has none), in one statement: what the
    tick used to work out from every line at every call."""
    Conversation = apps.get_model("narrative", "Conversation")
    ConversationMessage = apps.get_model("narrative", "ConversationMessage")
    latest = ConversationMessage.objects.filter(conversation_id=OuterRef("pk")).order_by("-tick").values("tick")[:1]
    Conversation.objects.update(last_tick=Coalesce(Subquery(latest), F("started_tick")))


class Migration(migrations.Migration):
    dependencies = [
        ("narrative", "0006_conversation_message_tick"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="last_tick",
            field=models.BigIntegerField(default=0, help_text="The tick of its latest line."),
        ),
        migrations.RunPython(last_ticks_from_lines, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["location", "last_tick"], name="conversation_open_at_place"),
        ),
    ]
