"""Search indexes for PostgreSQL: pg_trgm, and GIN indexes on the same expressions that
claims/search.py queries (full-text documents, and trigram-matched names and aliases).
SQLite has neither, and its fallback search needs none, so this is a no-op there.

The expressions are written out here, not imported, so this migration never changes; a
change to a search expression needs a new migration with a matching index."""

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

INDEXES = {
    # Subjects by weighted full text (names and aliases A, summary C).
    "claims_subject_search_gin": ("claims_subject", f"gin (({SUBJECT_DOC}))"),
    # Misspelt subject names: similarity(lower(name), query).
    "claims_subject_name_trgm": ("claims_subject", "gin (lower(name) gin_trgm_ops)"),
    # Misspelt aliases: word_similarity(query, lower(name || aliases)).
    "claims_subject_alias_trgm": (
        "claims_subject",
        "gin (lower(name || ' ' || aliases::text) gin_trgm_ops)",
    ),
    # Claims by full text (text and outcome B, conclusion C).
    "claims_claim_search_gin": ("claims_claim", f"gin (({CLAIM_DOC}))"),
    # Articles by full text (title A, summary C).
    "articles_article_search_gin": ("articles_article", f"gin (({ARTICLE_DOC}))"),
    # Misspelt article titles.
    "articles_article_title_trgm": ("articles_article", "gin (lower(title) gin_trgm_ops)"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, using) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING {using}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_check_request"), ("articles", "0002_body_is_markdown")]

    operations = [migrations.RunPython(create, drop)]
