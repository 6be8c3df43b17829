"""Beliefs are a mind's history (some 10,000 written a tick at 10,000 NPCs, the ones no longer
held pruned by `world.history`): their references lose their database constraints like the
rest of the history's (`htrae.models.history_link`), which the tick's commit checked one by
one (about 200 ms of it at tick 13 of a 10,000-NPC world). Django still applies on_delete."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('memory', '0012_own_life_index'),
        ('world', '0017_place_kind_name_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='belief',
            name='character',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='beliefs', to='world.character'),
        ),
        migrations.AlterField(
            model_name='belief',
            name='previous',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The belief it revised.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='revisions', to='memory.belief'),
        ),
        migrations.AlterField(
            model_name='belief',
            name='reflection',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The reflection stating it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='beliefs', to='memory.memory'),
        ),
    ]
