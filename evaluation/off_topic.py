"""Questions the documents cannot answer; the bot should refuse every one of them.

General-knowledge questions come from topic banks with two wording families (`a` for dev, `b` for
test). In-domain questions ask the documents' own kinds of questions about entities that no document
mentions, e.g. the warranty of a model the brand does not make. Candidates that name anything present
in the documents are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from random import Random

from evaluation.domains import Domain
from evaluation.text import words


@dataclass(frozen=True)
class OffTopicQuestion:
    text: str
    kind: str  # "general" or "in_domain"
    names: tuple[str, ...]  # what it asks about; none of these occurs in the documents


@dataclass(frozen=True)
class _Topic:
    subjects: tuple[str, ...]
    a: tuple[str, ...]
    b: tuple[str, ...]


COUNTRIES = (
    "France", "Peru", "Kenya", "Canada", "Japan", "Egypt", "Norway", "Chile", "Vietnam", "Ghana", "Mongolia",
    "Portugal", "Iceland", "Nepal", "Argentina", "Morocco", "Thailand", "Poland",
)  # fmt: skip

TOPICS: tuple[_Topic, ...] = (
    _Topic(
        COUNTRIES,
        ("What is the capital of {x}?", "What currency is used in {x}?"),
        (
            "Which city is the capital of {x}?",
            "What money do people pay with in {x}?",
            "What language is spoken in {x}?",
        ),
    ),
    _Topic(
        (
            "Pride and Prejudice",
            "War and Peace",
            "Don Quixote",
            "Frankenstein",
            "Dracula",
            "Jane Eyre",
            "Middlemarch",
            "The Great Gatsby",
            "Crime and Punishment",
            "One Hundred Years of Solitude",
            "The Odyssey",
            "Moby Dick",
        ),
        ("Who wrote {x}?", "What is {x} about?"),
        ("Who is the author of {x}?", "Can you summarise the plot of {x}?"),
    ),  # fmt: skip
    _Topic(
        ("Mars", "Jupiter", "Saturn", "Uranus", "Neptune", "Venus", "Mercury"),
        ("How many moons does {x} have?", "How far is {x} from the Sun?"),
        ("What is the surface temperature on {x}?", "How long is a year on {x}?"),
    ),
    _Topic(
        ("gold", "iron", "sodium", "helium", "oxygen", "potassium", "silver", "tin", "tungsten", "neon"),
        ("What is the chemical symbol for {x}?", "At what temperature does {x} melt?"),
        ("What is the atomic number of {x}?", "Is {x} a metal or a gas at room temperature?"),
    ),
    _Topic(
        (
            "risotto",
            "banana bread",
            "pad thai",
            "sourdough",
            "guacamole",
            "ratatouille",
            "pancakes",
            "hummus",
            "paella",
            "lasagne",
            "miso soup",
            "shortbread",
        ),
        ("How do I make {x}?", "What ingredients go into {x}?"),
        ("Can you give me a recipe for {x}?", "Which country does {x} come from?"),
    ),  # fmt: skip
    _Topic(
        (
            "the French Revolution",
            "the fall of the Berlin Wall",
            "the Battle of Hastings",
            "the first moon landing",
            "the signing of the Magna Carta",
            "the sinking of the Titanic",
            "the Boston Tea Party",
            "the eruption of Vesuvius",
            "the Great Fire of London",
        ),
        ("When did {x} happen?", "What caused {x}?"),
        ("In what year did {x} take place?", "Why is {x} considered important?"),
    ),  # fmt: skip
    _Topic(
        (
            "cheetah",
            "blue whale",
            "octopus",
            "honeybee",
            "penguin",
            "giraffe",
            "elephant",
            "barn owl",
            "dolphin",
            "koala",
            "platypus",
            "chameleon",
        ),
        ("What does a {x} eat?", "How long does a {x} live?"),
        ("Where does the {x} live in the wild?", "How big can a {x} get?"),
    ),  # fmt: skip
    _Topic(
        ("basketball", "volleyball", "rugby union", "baseball", "water polo", "cricket", "handball", "netball"),
        ("How many players are on a {x} team?", "What are the basic rules of {x}?"),
        ("How long does a professional {x} match last?", "Where was {x} invented?"),
    ),
    _Topic(
        (
            "reset a wireless router",
            "speed up a slow laptop",
            "take a screenshot on Windows",
            "back up an iPhone",
            "clear my browser cache",
            "install Python on a Mac",
            "change a flat tyre",
            "unclog a sink",
            "remove a red wine stain",
            "tie a bow tie",
        ),
        ("How do I {x}?",),
        ("What are the steps to {x}?", "Can you explain how to {x}?"),
    ),  # fmt: skip
    _Topic(
        ("the common cold", "a migraine", "hiccups", "sunburn", "jet lag", "a sore throat"),
        ("What is the best remedy for {x}?",),
        ("How can I get rid of {x} quickly?",),
    ),
    _Topic(
        ("serendipity", "ephemeral", "ubiquitous", "melancholy", "quixotic", "nostalgia", "schadenfreude", "hygge"),
        ("What does the word {x} mean?", "Where does the word {x} come from?"),
        ("Can you define {x}?", "Use {x} in a sentence, please."),
    ),
    _Topic(
        (
            "the Mona Lisa",
            "The Starry Night",
            "The Last Supper",
            "Guernica",
            "The Scream",
            "Girl with a Pearl Earring",
            "The Birth of Venus",
        ),
        ("Who painted {x}?", "Where can I see {x}?"),
        ("Which artist created {x}?", "In which museum is {x} displayed?"),
    ),  # fmt: skip
    _Topic(
        ("Mount Everest", "Kilimanjaro", "Mont Blanc", "Denali", "Aconcagua", "Mount Fuji", "the Matterhorn"),
        ("How high is {x}?", "Who first climbed {x}?"),
        ("What is the elevation of {x}?", "Which country is {x} in?"),
    ),
    _Topic(
        ("the Nile", "the Amazon", "the Danube", "the Mississippi", "the Yangtze", "the Ganges", "the Zambezi"),
        ("How long is {x}?", "Which countries does {x} flow through?"),
        ("Where does {x} begin?", "Into which sea does {x} empty?"),
    ),
    _Topic(
        (
            "photosynthesis",
            "gravity",
            "plate tectonics",
            "the greenhouse effect",
            "black holes",
            "quantum entanglement",
            "the water cycle",
            "compound interest",
            "natural selection",
        ),
        ("Can you explain {x} in simple terms?",),
        ("How does {x} work?", "Why does {x} matter?"),
    ),  # fmt: skip
    _Topic(
        (
            "the telephone",
            "the light bulb",
            "the printing press",
            "penicillin",
            "the World Wide Web",
            "the steam engine",
            "the bicycle",
            "the transistor",
        ),
        ("Who invented {x}?",),
        ("Who is credited with the invention of {x}?", "When was {x} invented?"),
    ),  # fmt: skip
    _Topic(
        ("Tokyo", "Lagos", "Jakarta", "Istanbul", "Mexico City", "Shanghai", "Buenos Aires", "Toronto", "Mumbai"),
        ("What is the population of {x}?", "What's the weather like in {x} today?"),
        ("How many people live in {x}?", "What time is it in {x} right now?", "What are the best sights in {x}?"),
    ),
    _Topic(
        ("the Moonlight Sonata", "The Four Seasons", "The Magic Flute", "Swan Lake", "the Ninth Symphony", "Carmen"),
        ("Who composed {x}?",),
        ("Which composer wrote {x}?",),
    ),
    _Topic(
        ("cats", "programmers", "penguins", "the ocean", "autumn", "coffee", "dinosaurs"),
        ("Tell me a joke about {x}.",),
        ("Write a short poem about {x}.",),
    ),
    _Topic(
        ("the Roman Empire", "the Ming dynasty", "the Aztec Empire", "the Mughal Empire", "the Byzantine Empire"),
        ("Why did {x} decline?", "Who ruled {x} at its height?"),
        ("What were the main achievements of {x}?", "How did {x} begin?"),
    ),
    _Topic(
        (
            "square root of two hundred and twenty-five",
            "sum of the angles in a triangle",
            "derivative of sine",
            "value of pi",
            "boiling point of water in Fahrenheit",
            "speed of light",
        ),
        ("What is the {x}?",),
        ("Can you tell me the {x}?",),
    ),  # fmt: skip
)

# Words the checks skip when deciding what a question names.
_ARTICLES = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def _names(subject: str) -> tuple[str, ...]:
    return (_ARTICLES.sub("", subject),)


def _present(names: Sequence[str], corpus_text: str) -> bool:
    """Whether any name occurs in the text as whole words, ignoring case and punctuation."""
    return any(f" {' '.join(words(name))} " in corpus_text for name in names)


def corpus_words(text: str) -> str:
    """The form of the documents' text that `_present` searches."""
    return f" {' '.join(words(text))} "


def general_questions(family: str, rng: Random, count: int, corpus_text: str) -> list[OffTopicQuestion]:
    topic_of: dict[str, int] = {}
    candidates = []
    for number, topic in enumerate(TOPICS):
        for template in getattr(topic, family):
            for subject in topic.subjects:
                question = OffTopicQuestion(template.replace("{x}", subject), "general", _names(subject))
                if not _present(question.names, corpus_text):
                    topic_of[question.text] = number
                    candidates.append(question)
    # Spread over topics first, so a small set is as varied as a large one.
    rng.shuffle(candidates)
    return _round_robin(candidates, key=lambda q: str(topic_of[q.text]), count=count)


def in_domain_questions(
    family: str, rng: Random, count: int, corpus_text: str, domains: Sequence[tuple[Domain, str]]
) -> list[OffTopicQuestion]:
    """The documents' own question forms, about entities of their domains that no document mentions."""
    candidates = []
    for domain, org in domains:
        for name in domain.absent_names:
            entity = domain.entity.format(org=org, name=name)
            for kind in domain.kinds:
                for template in kind.questions[family]:
                    text = template.format(entity=entity)
                    candidates.append(OffTopicQuestion(text[:1].upper() + text[1:], "in_domain", (name,)))
    candidates = list({q.text: q for q in candidates if not _present(q.names, corpus_text)}.values())
    rng.shuffle(candidates)
    return _round_robin(candidates, key=lambda q: q.names[0], count=count)


def _round_robin(
    items: list[OffTopicQuestion], *, key: Callable[[OffTopicQuestion], str], count: int
) -> list[OffTopicQuestion]:
    groups: dict[str, list[OffTopicQuestion]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    out: list[OffTopicQuestion] = []
    while len(out) < count and any(groups.values()):
        for group in groups.values():
            if group and len(out) < count:
                out.append(group.pop())
    return out
