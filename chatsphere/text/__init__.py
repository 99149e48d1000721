"""Plain-text helpers shared by ingestion and answering (no Django imports)."""

from chatsphere.text.sentences import sentence_spans, split_sentences

__all__ = ["sentence_spans", "split_sentences"]
