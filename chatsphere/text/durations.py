"""Waits told to people: "1 second", "40 seconds", "3 minutes", "2 hours"."""

from __future__ import annotations

import math


def _count(value: int, unit: str) -> str:
    return f"{value} {unit}" if value == 1 else f"{value} {unit}s"


def wait_in_words(seconds: float) -> str:
    """A wait rounded up to the largest whole unit that reads naturally: telling someone less
    than the real wait sends them into another refusal."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return _count(seconds, "second")
    if seconds < 90 * 60:
        return _count(math.ceil(seconds / 60), "minute")
    return _count(math.ceil(seconds / 3600), "hour")
