"""Storage of the local vector store (the embedded default; Pinecone replaces it in production)."""

from __future__ import annotations

from django.db import models


class VectorNamespace(models.Model):
    """One per bot. `generation` moves on every write so each process knows when its cached
    matrix is stale, whichever process wrote."""

    name = models.CharField(max_length=512, unique=True)
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class StoredVector(models.Model):
    namespace = models.ForeignKey(VectorNamespace, on_delete=models.CASCADE, related_name="vectors")
    vector_id = models.CharField(max_length=512)
    document_id = models.CharField(max_length=64, db_index=True)
    #: float32, little-endian, L2-normalised.
    values = models.BinaryField()
    metadata = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["namespace", "vector_id"], name="stored_vector_namespace_id_unique")
        ]
        indexes = [models.Index(fields=["namespace", "document_id"], name="stored_vector_ns_doc_idx")]

    def __str__(self) -> str:
        return self.vector_id
