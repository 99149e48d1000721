from __future__ import annotations

from django.db import models

from chatsphere.models import TenantModel


class DocumentSource(models.TextChoices):
    FILE = "file", "Uploaded file"
    TEXT = "text", "Pasted text"
    URL = "url", "Web page"


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class DocumentStage(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    EXTRACTING = "extracting", "Extracting"
    CHUNKING = "chunking", "Chunking"
    EMBEDDING = "embedding", "Embedding"
    INDEXING = "indexing", "Indexing"
    DONE = "done", "Done"


class Document(TenantModel):
    """A piece of a bot's knowledge: a file, pasted text or a web page."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="documents")
    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="documents")
    source = models.CharField(max_length=10, choices=DocumentSource.choices)
    title = models.CharField(max_length=255)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True, max_length=255)
    url = models.URLField(max_length=2000, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    content_type = models.CharField(max_length=20, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(null=True, blank=True)

    status = models.CharField(max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    stage = models.CharField(max_length=12, choices=DocumentStage.choices, default=DocumentStage.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    chunk_count = models.PositiveIntegerField(default=0)
    token_count = models.PositiveIntegerField(default=0)
    embedder = models.CharField(max_length=100, blank=True)
    embedding_dimension = models.PositiveIntegerField(null=True, blank=True)
    indexed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="document_progress_max_100"),
            models.CheckConstraint(condition=models.Q(status__in=DocumentStatus.values), name="document_status_valid"),
        ]
        indexes = [
            models.Index(fields=["bot", "-created_at", "-id"], name="document_bot_created_idx"),
            models.Index(fields=["bot", "status"], name="document_bot_status_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="document_heartbeat_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Chunk(models.Model):
    """A passage of a document, as embedded and indexed."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    text = models.TextField()
    page = models.PositiveIntegerField(null=True, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    token_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["document", "index"]
        constraints = [models.UniqueConstraint(fields=["document", "index"], name="chunk_document_index_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.index}"

    @property
    def vector_id(self) -> str:
        return f"{self.document_id}:{self.index}"
