"""How much a word tells about what a question is about: its information content in general
language, from word frequencies (wordfreq's lists, built from Wikipedia, subtitles, news, books
and the web).

"Puffin" says far more about a question than "question" or "cost" does. A weight taken from
general language means the same for a bot with two documents as for one with ten thousand,
and for every embedder, which is what a relevance decision needs (chat.relevance). The per-bot
statistics of BM25 rank passages; these weights judge whether the best passage covers the question.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

#: The languages whose common words are not informative (the widget speaks English and French;
#: German and Spanish documents are common too). A word's weight follows its most common use.
LANGUAGES = ("en", "fr", "de", "es")
#: Zipf frequency is log10 of occurrences per billion words: 9 minus it is the information
#: content in decimal digits. Words rarer than the lists know (names, codes) get the maximum.
MAX_WEIGHT = 9.0


@lru_cache(maxsize=50_000)
def word_weight(word: str) -> float:
    """The information content of a lower-cased word (0.5 for the most common words, 9 at most)."""
    frequency = max(zipf_frequency(word, language, wordlist="small") for language in LANGUAGES)
    return max(0.5, MAX_WEIGHT - frequency)
