"""Create the Editor and Reviewer groups with the permissions claimcheck/claims/roles.py lists.

Permissions are normally created after migrate (post_migrate), so this migration creates the
ones it needs first. After every later migrate (and test-database flush) the claims app syncs
the groups with roles.GROUPS again (claims/apps.py), so a change there needs no migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def sync_groups(apps, schema_editor):
    from claimcheck.claims import roles

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles.sync_groups(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("claims", "0005_workflow_permissions"),
        ("articles", "0003_article_permissions"),
    ]

    operations = [migrations.RunPython(sync_groups, remove_groups)]
