"""Vector-store naming: one namespace per bot; record ids `<document_id>:<chunk_index>`."""

from __future__ import annotations


def bot_namespace(bot_id: object) -> str:
    return f"bot-{bot_id}"


def vector_id(document_id: object, index: int) -> str:
    return f"{document_id}:{index}"
