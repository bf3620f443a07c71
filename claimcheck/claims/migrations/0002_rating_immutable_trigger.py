"""Ratings are immutable: the database itself refuses UPDATE on claims_rating.

The model and queryset refuse too, but a trigger also stops raw SQL and other clients.
"""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER claims_rating_immutable BEFORE UPDATE ON claims_rating
BEGIN
    SELECT RAISE(ABORT, 'claims_rating rows are immutable');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS claims_rating_immutable;"

POSTGRES_CREATE = """
CREATE FUNCTION claims_rating_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'claims_rating rows are immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claims_rating_immutable BEFORE UPDATE ON claims_rating
    FOR EACH ROW EXECUTE FUNCTION claims_rating_refuse_update();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS claims_rating_immutable ON claims_rating;
DROP FUNCTION IF EXISTS claims_rating_refuse_update();
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"No rating-immutability trigger for {vendor}")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
