"""Create the Pinecone index if it does not exist (idempotent) and print its host."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the Pinecone serverless index named by PINECONE_INDEX_NAME if missing, and print its host."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.PINECONE_API_KEY:
            raise CommandError("Set PINECONE_API_KEY first.")
        from chatsphere.ai.pinecone_store import ensure_index

        host = ensure_index(
            api_key=settings.PINECONE_API_KEY,
            name=settings.PINECONE_INDEX_NAME,
            dimension=settings.EMBEDDING_DIMENSION,
            cloud=settings.PINECONE_CLOUD,
            region=settings.PINECONE_REGION,
            controller_host=settings.PINECONE_CONTROLLER_HOST or None,
        )
        self.stdout.write(self.style.SUCCESS(f"Index {settings.PINECONE_INDEX_NAME!r} is ready."))
        self.stdout.write(f"Set PINECONE_INDEX_HOST={host}")
