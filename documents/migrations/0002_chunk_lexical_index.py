"""The lexical index of chunk text (documents.lexical): on PostgreSQL a generated tsvector
column with a GIN index; on SQLite one FTS5 table per bot, built here for existing chunks."""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE documents_chunk ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    # Hyphens and slashes separate words, as in questions ("PX-4471" is "px" and "4471", not "-4471"),
    # and angle brackets are plain text: PostgreSQL's parser would take "<a …>" as a tag and skip
    # what follows it.
    "(to_tsvector('english'::regconfig, translate(coalesce(heading, '') || ' ' || text, '-/<>', '    '))) STORED",
    "CREATE INDEX documents_chunk_search_idx ON documents_chunk USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS documents_chunk_search_idx",
    "ALTER TABLE documents_chunk DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    elif connection.vendor == "sqlite":
        from documents.lexical.sqlite import SqliteLexicalIndex

        index = SqliteLexicalIndex()
        Chunk = apps.get_model("documents", "Chunk")
        for bot_id in Chunk.objects.values_list("bot_id", flat=True).distinct():
            index.rebuild_bot(bot_id=bot_id)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'lexical_*'")
            tables = [row[0] for row in cursor.fetchall() if "_" not in row[0][len("lexical_") :]]
            for table in tables:
                cursor.execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
