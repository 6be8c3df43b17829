"""The Designers group: world designers who edit lore, NPCs, factions, quests and locations
in the admin, and nothing about users.

`DESIGNER_PERMISSIONS` is the one list of what they may do; a data migration applies it
with `designers_group_sync`, and a later migration that adds models calls it again.
"""

from __future__ import annotations

DESIGNERS_GROUP = "Designers"

_EDIT = ("add", "change", "delete", "view")

# app label -> model name -> allowed actions
DESIGNER_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "world": {
        "location": _EDIT,
        "path": _EDIT,
        "worldobject": _EDIT,
        "character": _EDIT,
        "charactergoal": _EDIT,
        "routineslot": _EDIT,
        "worldclock": ("change", "view"),
        "gameevent": ("view",),
        "grammarsymbol": _EDIT,
    },
    "narrative": {
        "faction": _EDIT,
        "factionrelation": _EDIT,
        "quest": _EDIT,
        "queststep": _EDIT,
        "questassignment": _EDIT,
        "loreentry": _EDIT,
        "conversation": _EDIT,
        "conversationmessage": _EDIT,
        "relationmodifier": _EDIT,
        "lorediscovery": _EDIT,
        "questtemplate": _EDIT,
    },
    "memory": {"memory": _EDIT, "belief": ("view",)},
    "spectra": {
        "emotiontype": _EDIT,
        "appraisalrule": _EDIT,
        "standard": _EDIT,
        "spectragoal": _EDIT,
        "spectramind": ("view",),
        "emotionsample": ("view",),
    },
    "relationships": {"relationship": _EDIT, "relationshiprule": _EDIT},
}


def designers_group_sync(apps, schema_editor=None) -> None:
    """Create the Designers group (if needed) and give it exactly DESIGNER_PERMISSIONS.

    For data migrations: `apps` is the migration's historical registry.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; make them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    designers_group_grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def designers_group_grant(Group, Permission) -> None:
    """Create the group if needed and set its permissions (models passed in, see above)."""
    group, _ = Group.objects.get_or_create(name=DESIGNERS_GROUP)
    wanted = [
        f"{action}_{model}"
        for models in DESIGNER_PERMISSIONS.values()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=DESIGNER_PERMISSIONS.keys(), codename__in=wanted
    )
    group.permissions.set(permissions)
