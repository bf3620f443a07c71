"""Stored search documents for PostgreSQL (issue #7, scale).

Migration 0004 indexed the full-text documents as expressions, so the index found the matches
but ranking them (ts_rank) rebuilt every candidate's document with to_tsvector: at 100,000
claims, most of a search's time. Here each document is a stored generated column, `search_doc`,
computed by PostgreSQL on every insert and update (the ORM, bulk_create, loaddata and the
open-data import alike, since none of them names the column), indexed with GIN; search matches
and ranks on the column, and the expression indexes it replaces go. The trigram indexes of 0004
stay: search still uses them.

The column is not declared on the models: SQLite has none (its fallback search needs none), and
the ORM neither reads nor writes it, so the historical (simple_history) tables, fixtures and
exports never see it. SQLite: a no-op.

The expressions are written out here, not imported, so this migration never changes; they are
0004's, so the documents (and ranks) are the same as before."""

from django.db import migrations

SUBJECT_DOC = (
    "setweight(to_tsvector('english', name || ' ' || aliases::text), 'A') || "
    "setweight(to_tsvector('english', summary), 'C')"
)
CLAIM_DOC = (
    "setweight(to_tsvector('english', text || ' ' || outcome), 'B') || "
    "setweight(to_tsvector('english', conclusion_summary), 'C')"
)
ARTICLE_DOC = (
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', summary), 'C')"
)

# table -> (document, new GIN index on the column, 0004's expression index it replaces)
DOCUMENTS = {
    "claims_subject": (SUBJECT_DOC, "claims_subject_search_doc", "claims_subject_search_gin"),
    "claims_claim": (CLAIM_DOC, "claims_claim_search_doc", "claims_claim_search_gin"),
    "articles_article": (ARTICLE_DOC, "articles_article_search_doc", "articles_article_search_gin"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The 5 s statement timeout (settings.py) is for requests: rewriting and indexing every
    # claim of a large catalogue takes longer. SET LOCAL ends with this migration's transaction.
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    for table, (document, index, old_index) in DOCUMENTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_doc tsvector "
            f"GENERATED ALWAYS AS ({document}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_doc)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {old_index}")
        schema_editor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    for table, (document, _index, old_index) in DOCUMENTS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {old_index} ON {table} USING gin (({document}))"
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_doc")  # and index


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_claim_shown_verdict"),
        ("articles", "0004_article_workflow_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
