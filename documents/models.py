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
    #: Who added it (empty for an API key, or once the person's account is deleted).
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
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
    #: The run processing the document (`host:pid:token`, see documents.leases); kept after it ends.
    claimed_by = models.CharField(max_length=200, blank=True)
    #: When its task could not be queued (the broker was down); the sweeper queues it again.
    queue_failed_at = models.DateTimeField(null=True, blank=True)

    chunk_count = models.PositiveIntegerField(default=0)
    token_count = models.PositiveIntegerField(default=0)
    embedder = models.CharField(max_length=100, blank=True)
    embedding_dimension = models.PositiveIntegerField(null=True, blank=True)
    indexed_at = models.DateTimeField(null=True, blank=True)
    #: The website source it was crawled from; deleting the source deletes its pages' documents.
    website = models.ForeignKey(
        "documents.WebsiteSource", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )

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


class WebsiteKind(models.TextChoices):
    SITE = "site", "Site from a start page"
    SITEMAP = "sitemap", "Sitemap"


class RecrawlSchedule(models.TextChoices):
    OFF = "off", "Off"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class WebsiteStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CRAWLING = "crawling", "Crawling"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class WebsiteSource(TenantModel):
    """A web site a bot learns from: its pages are found by following links (or read from a
    sitemap), each becomes a Document, and the site can be crawled again on a schedule."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="websites")
    bot = models.ForeignKey("bots.Bot", on_delete=models.CASCADE, related_name="websites")
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    start_url = models.URLField(max_length=2000)
    kind = models.CharField(max_length=10, choices=WebsiteKind.choices, default=WebsiteKind.SITE)
    max_depth = models.PositiveSmallIntegerField()
    max_pages = models.PositiveIntegerField()
    schedule = models.CharField(max_length=10, choices=RecrawlSchedule.choices, default=RecrawlSchedule.OFF)

    status = models.CharField(max_length=10, choices=WebsiteStatus.choices, default=WebsiteStatus.QUEUED)
    #: Why the last run stopped early or failed (empty when it went through).
    error = models.TextField(blank=True)
    last_run_started_at = models.DateTimeField(null=True, blank=True)
    last_run_finished_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["bot", "start_url"], name="website_bot_start_url_unique"),
            models.CheckConstraint(condition=models.Q(max_pages__gte=1), name="website_max_pages_positive"),
        ]
        indexes = [models.Index(fields=["status", "next_run_at"], name="website_due_idx")]

    def __str__(self) -> str:
        return self.start_url


class WebsitePageStatus(models.TextChoices):
    FOUND = "found", "Found"
    FETCHED = "fetched", "Fetched"
    UNCHANGED = "unchanged", "Unchanged"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    GONE = "gone", "Gone"


class WebsitePage(models.Model):
    """One address of a website source, what the last crawl made of it, and its document."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    website = models.ForeignKey(WebsiteSource, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField(max_length=2000)
    depth = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=WebsitePageStatus.choices, default=WebsitePageStatus.FOUND)
    #: Why it failed or was skipped, for the owner.
    reason = models.CharField(max_length=500, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["depth", "id"]
        constraints = [models.UniqueConstraint(fields=["website", "url"], name="website_page_url_unique")]

    def __str__(self) -> str:
        return self.url


class DocumentText(models.Model):
    """The text the extractor produced, one part at a time: a PDF page (a very long page takes
    several parts), or the sections of any other document gathered into parts of bounded size.
    Written with the chunks in the final transaction of a run, so it always matches them."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="text_parts")
    #: 1, 2, 3…: the order of the parts, and what the text view pages through.
    number = models.PositiveIntegerField()
    #: The PDF page the text is on; empty for documents without pages.
    page = models.PositiveIntegerField(null=True, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_text_number_unique")]
        indexes = [models.Index(fields=["document", "page"], name="document_text_page_idx")]

    def __str__(self) -> str:
        return f"{self.document_id} part {self.number}"


class IngestionOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    RETRYING = "retrying", "Will retry"
    INTERRUPTED = "interrupted", "Interrupted"
    CANCELLED = "cancelled", "Cancelled"


class IngestionRun(TenantModel):
    """One attempt at ingesting a document, written by the pipeline as it goes."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="ingestion_runs")
    #: The document's attempt counter when the run claimed it.
    attempt = models.PositiveSmallIntegerField(default=1)
    #: The run's owner (`host:pid:token`, see documents.leases): which worker did it.
    worker = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    #: The last stage the run reached (where it stopped, if it did not finish).
    stage = models.CharField(max_length=12, choices=DocumentStage.choices, default=DocumentStage.QUEUED)
    outcome = models.CharField(max_length=12, choices=IngestionOutcome.choices, default=IngestionOutcome.RUNNING)
    error = models.TextField(blank=True)
    chunk_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["document", "-started_at"], name="ingestion_run_document_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=IngestionOutcome.values), name="ingestion_run_outcome_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} attempt {self.attempt} ({self.outcome})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())
