"""Permission levels as Django groups, each app granting its own permissions to them.

A role is a group (its name is the domain's: ``customers/roles.py``). Which permissions it
holds is registered by the app that owns them, in its ``AppConfig.ready()``
(``register_role_permissions``), so no app names another app's permissions. Each app's data
migration calls ``sync_roles(apps, app_label)``, which writes that app's share of every role;
migrations run after ``django.setup()``, so every app has registered by then.
Registrations are static configuration made at start-up, never data users change.
"""

_role_permissions: dict[str, list[str]] = {}


def register_role_permissions(role, permissions):
    """Grant ``permissions`` (``"app_label.codename"``) to the group named ``role``."""
    granted = _role_permissions.setdefault(role, [])
    granted.extend(p for p in permissions if p not in granted)


def role_permissions():
    """``{role: [permission, ...]}`` as registered by every app."""
    return {role: list(perms) for role, perms in _role_permissions.items()}


def sync_roles(apps, app_label):
    """Create the role groups and give them this app's permissions (for data migrations)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # Historical app configs have no models module, which makes create_permissions skip them.
    borrowed = getattr(app_config, "models_module", None) is None
    if borrowed:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    if borrowed:
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in _role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        codenames = [p.split(".", 1)[1] for p in perms if p.split(".", 1)[0] == app_label]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
