"""Curated answers: answers written by a bot's owners for questions, matched before retrieval
(`matching.match_curated_answer`), written through `services`, read through `selectors`."""
