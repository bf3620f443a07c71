import time

from django.db import migrations, models


def first_version(apps, schema_editor):
    ContentVersion = apps.get_model("freshness", "ContentVersion")
    ContentVersion.objects.using(schema_editor.connection.alias).get_or_create(
        id=1, defaults={"value": time.time_ns()}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []
    # The version must exist before any migration saves public content (saves move it).
    run_before = [("claims", "0001_initial"), ("articles", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(editable=False)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="freshness_contentversion_single_row"
                    )
                ],
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]
