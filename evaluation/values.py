"""Random checkable values (durations, prices, dates, names, places) with the spans that count as the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
FIRST_NAMES = (
    "Helena", "Tobias", "Margit", "Anselm", "Priya", "Jonas", "Ines", "Callum", "Solveig", "Rafael",
    "Odile", "Kasimir", "Yara", "Leopold", "Annika", "Mateo", "Freya", "Dorian", "Ilse", "Bastian",
    "Noemi", "Ewan", "Liesel", "Teodor",
)  # fmt: skip
LAST_NAMES = (
    "Marsh", "Okafor", "Lindqvist", "Varga", "Brennan", "Castellano", "Hartwell", "Nakagawa", "Duquesne",
    "Ferreira", "Whitlock", "Kowalczyk", "Abernathy", "Sorensen", "Quintero", "Halloran", "Eberhardt",
    "Mbeki", "Thornbury", "Rasmussen", "Delacroix", "Ivanova", "Pemberton", "Achterberg",
)  # fmt: skip
# Study sites; disjoint from the office towns of the handbooks so a city answers one question only.
CITIES = (
    "Aberdeen", "Bologna", "Uppsala", "Groningen", "Coimbra", "Tartu", "Linz", "Dundee", "Leiden", "Trondheim",
    "Salamanca", "Heidelberg", "Lausanne", "Odense",
)  # fmt: skip


@dataclass(frozen=True)
class Value:
    """The value as the fact sentence states it, and the short spans that count as a correct answer."""

    text: str
    spans: tuple[str, ...]


ValueMaker = Callable[[Random], Value]


def plain(text: str) -> Value:
    return Value(text, (text,))


def months_or_years(choices: tuple[int, ...] = (12, 24, 36, 48, 60)) -> ValueMaker:
    """ "36 months (three years)": both spans are in the sentence, so either answer counts."""

    def make(rng: Random) -> Value:
        months = rng.choice(choices)
        years = months // 12
        said = f"{_NUMBER_WORDS[years]} year" + ("s" if years > 1 else "")
        return Value(f"{months} months ({said})", (f"{months} months", said))

    return make


def count(low: int, high: int, unit: str, *, step: int = 1) -> ValueMaker:
    def make(rng: Random) -> Value:
        n = rng.randrange(low, high + 1, step)
        return plain(f"{n:,} {unit}")

    return make


def decimal(low: float, high: float, unit: str) -> ValueMaker:
    def make(rng: Random) -> Value:
        return plain(f"{rng.uniform(low, high):.1f} {unit}")

    return make


def money(low: int, high: int, *, symbol: str = "$", cents: bool = False) -> ValueMaker:
    def make(rng: Random) -> Value:
        amount = rng.randint(low, high)
        if cents:
            return plain(f"{symbol}{amount}.{rng.choice((0, 49, 50, 95, 99)):02d}")
        return plain(f"{symbol}{amount:,}")

    return make


def full_date(first_year: int, last_year: int) -> ValueMaker:
    def make(rng: Random) -> Value:
        return plain(f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(first_year, last_year)}")

    return make


def day_and_month(rng: Random) -> Value:
    return plain(f"{rng.randint(1, 28)} {rng.choice(MONTHS)}")


def year(first: int, last: int) -> ValueMaker:
    def make(rng: Random) -> Value:
        return plain(str(rng.randint(first, last)))

    return make


def person(rng: Random) -> Value:
    return plain(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")


def city(rng: Random) -> Value:
    return plain(rng.choice(CITIES))


def clock_time(rng: Random) -> Value:
    return plain(f"{rng.randint(6, 10)}:{rng.choice(('00', '15', '30', '45'))} am")
