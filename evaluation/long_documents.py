"""Long, realistic documents with known facts, the questions that ask for them, and off-topic questions.

`build_long_document_set(split, size)` is deterministic: the same split and size always give the
same documents, pages and questions. The `dev` and `test` splits differ in seed and in the template
family their fact sentences and questions are worded with, so test questions are unseen wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from random import Random

from evaluation import off_topic, pubmedqa
from evaluation.blocks import Block, BulletList, Heading, Paragraph, Table
from evaluation.domains import DOMAINS, OPENERS, Domain, FactKind
from evaluation.pdf_layout import Layout, draw, lay_out
from evaluation.render_text import html_page, markdown, plain_text
from evaluation.values import Value

SPLITS = {"dev": (20260101, "a"), "test": (20260707, "b")}
_SLOT = re.compile(r"\{(\w+)\}")
_PUBMEDQA_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class SetSize:
    documents: int
    answerable: int | None  # None: every question of every document
    general: int  # off-topic questions of general knowledge
    in_domain: int  # off-topic questions about entities absent from the documents


SIZES = {
    "small": SetSize(documents=3, answerable=20, general=12, in_domain=8),
    "eval": SetSize(documents=12, answerable=None, general=150, in_domain=50),
}


@dataclass(frozen=True)
class Fact:
    kind: str
    entity: str
    sentence: str
    spans: tuple[str, ...]
    block: int  # index of its paragraph in the document's blocks
    position: int  # index of the sentence in that paragraph (never 0)


@dataclass(frozen=True)
class Question:
    text: str
    spans: tuple[str, ...]  # any of them in the answer counts as correct
    document: str  # title
    page: int  # 1-based page of the fact sentence in the PDF
    sentence: str  # the fact sentence that answers it
    entity: str
    kind: str


@dataclass(frozen=True)
class PlacedParagraph:
    text: str
    sentences: tuple[str, ...]
    heading: str
    page: int
    document: str


@dataclass
class GeneratedDocument:
    title: str
    domain: str
    site: str
    blocks: list[Block]
    facts: list[Fact]
    questions: list[Question] = field(default_factory=list)

    @cached_property
    def layout(self) -> Layout:
        protected: dict[int, set[int]] = {}
        for fact in self.facts:
            protected.setdefault(fact.block, set()).add(fact.position)
        return lay_out(self.blocks, title=self.title, protected=protected)

    @property
    def page_count(self) -> int:
        return len(self.layout.pages)

    def fact_page(self, fact: Fact) -> int:
        return self.layout.sentence_pages[(fact.block, fact.position)]

    def paragraphs(self) -> list[PlacedParagraph]:
        """Source paragraphs with the heading above them and the page they start on."""
        heading = self.title
        out = []
        for index, block in enumerate(self.blocks):
            if isinstance(block, Heading):
                heading = block.text
            elif isinstance(block, Paragraph):
                page = self.layout.block_pages[index]
                out.append(PlacedParagraph(block.text, block.sentences, heading, page, self.title))
        return out

    def pdf(self) -> bytes:
        return draw(self.layout, title=self.title)

    def markdown(self) -> str:
        return markdown(self.title, self.blocks)

    def html(self) -> str:
        return html_page(self.title, self.blocks, site=self.site)

    def text(self) -> str:
        return plain_text(self.title, self.blocks)


@dataclass
class LongDocumentSet:
    split: str
    documents: list[GeneratedDocument]
    answerable: list[Question]
    off_topic: list[off_topic.OffTopicQuestion]


def build_long_document_set(split: str, size: str | int = "small") -> LongDocumentSet:
    """Documents, answerable questions and off-topic questions of a split ("dev" or "test").

    `size` is "small" (3 documents, 20 answerable, 20 off-topic), "eval" (12 documents, every
    question, 200 off-topic) or a number of documents."""
    seed, family = SPLITS[split]
    shape = SIZES[size] if isinstance(size, str) else SetSize(size, None, 12 * size, 4 * size)
    rng = Random(f"{seed}:{shape.documents}")
    writer = _Writer(rng, family)
    order = list(DOMAINS)
    rng.shuffle(order)
    # All facts first, so that no filler sentence of any document can contain an expected answer.
    plans = [writer.plan(order[n % len(order)]) for n in range(shape.documents)]
    documents = [writer.document(plan, n) for n, plan in enumerate(plans)]
    answerable = [q for document in documents for q in _ask(document, rng, family)]
    if shape.answerable is not None and len(answerable) > shape.answerable:
        answerable = sorted(rng.sample(answerable, shape.answerable), key=answerable.index)
    corpus_text = off_topic.corpus_words("\n".join(document.text() for document in documents))
    refused = off_topic.general_questions(family, rng, shape.general, corpus_text)
    refused += off_topic.in_domain_questions(
        family, rng, shape.in_domain, corpus_text, [(p.domain, p.org) for p in plans]
    )
    return LongDocumentSet(split=split, documents=documents, answerable=answerable, off_topic=refused)


def _ask(document: GeneratedDocument, rng: Random, family: str) -> list[Question]:
    domain = next(d for d in DOMAINS if d.name == document.domain)
    kinds = {kind.key: kind for kind in domain.kinds}
    questions = []
    for fact in document.facts:
        templates = kinds[fact.kind].questions[family]
        chosen = rng.sample(templates, rng.randint(1, len(templates)))
        page = document.fact_page(fact)
        for template in chosen:
            text = _capitalise(template.format(entity=fact.entity))
            questions.append(Question(text, fact.spans, document.title, page, fact.sentence, fact.entity, fact.kind))
    document.questions = questions
    return questions


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


@dataclass
class _Draft:
    """A paragraph being written; `fact` sits at sentence `position` (never 0)."""

    sentences: list[str]
    fact: tuple[str, str, tuple[str, ...]] | None = None  # (kind, entity, spans)
    position: int = 0


@dataclass
class _Plan:
    domain: Domain
    org: str
    title: str
    entities: list[str]
    facts: list[tuple[str, FactKind, str, Value]]  # (entity, kind, sentence, value)


class _Writer:
    """Writes the documents of one set, keeping entity names and fact values unique across it."""

    def __init__(self, rng: Random, family: str) -> None:
        self.rng = rng
        self.family = family
        self.used_names: dict[str, set[str]] = {}
        self.used_orgs: dict[str, set[str]] = {}
        self.used_values: dict[str, set[str]] = {}
        self.spans: list[re.Pattern[str]] = []
        self._abstracts: list[list[str]] | None = None
        self.decks: dict[tuple[str, ...], list[str]] = {}

    # -- facts --------------------------------------------------------------------------------------------

    def plan(self, domain: Domain) -> _Plan:
        rng = self.rng
        org = rng.choice([o for o in domain.orgs if o not in self.used_orgs.setdefault(domain.name, set())])
        self.used_orgs[domain.name].add(org)
        title = rng.choice(domain.titles).format(org=org, category=rng.choice(domain.categories))
        # Names are unique per domain across the set: one office in two handbooks would make questions ambiguous.
        taken = self.used_names.setdefault(domain.name, set())
        names = rng.sample([n for n in domain.entity_names if n not in taken], rng.randint(3, 4))
        taken.update(names)
        entities = [domain.entity.format(org=org, name=name) for name in names]
        facts = []
        for entity, kind in self.fact_pairs(domain, entities):
            value = self.value(domain, kind)
            template = rng.choice(kind.sentences[self.family])
            facts.append((entity, kind, _capitalise(template.format(entity=entity, value=value.text)), value))
            self.spans += [re.compile(rf"(?<!\w){re.escape(span)}(?!\w)", re.IGNORECASE) for span in value.spans]
        return _Plan(domain, org, re.sub(r"\s+", " ", title).strip(), entities, facts)

    def fact_pairs(self, domain: Domain, entities: list[str]) -> list[tuple[str, FactKind]]:
        """8-12 (entity, kind) pairs; most kinds are stated for two or three entities, as near-duplicates."""
        wanted = self.rng.randint(8, 12)
        kinds = list(domain.kinds)
        self.rng.shuffle(kinds)
        pairs: list[tuple[str, FactKind]] = []
        while len(pairs) < wanted:
            for kind in kinds:
                free = [e for e in entities if (e, kind) not in pairs]
                pairs += [(e, kind) for e in self.rng.sample(free, min(len(free), self.rng.choice((2, 2, 3))))]
                if len(pairs) >= wanted:
                    break
        return pairs[:wanted]

    def value(self, domain: Domain, kind: FactKind) -> Value:
        used = self.used_values.setdefault(f"{domain.name}:{kind.key}", set())
        for _ in range(500):
            value = kind.value(self.rng)
            if value.text not in used:
                used.add(value.text)
                return value
        raise RuntimeError(f"ran out of distinct values for {kind.key}")

    # -- prose --------------------------------------------------------------------------------------------

    def fill(self, template: str, domain: Domain, **known: str) -> str:
        def slot(match: re.Match[str]) -> str:
            name = match.group(1)
            return known[name] if name in known else self.rng.choice(domain.vocab[name])

        return _capitalise(_SLOT.sub(slot, template))

    def deal(self, templates: tuple[str, ...]) -> str:
        """Templates come from a shuffled deck, so a document uses all of them before repeating one."""
        deck = self.decks.setdefault(templates, [])
        if not deck:
            deck.extend(templates)
            self.rng.shuffle(deck)
        return deck.pop()

    def clean(self, sentence: str) -> bool:
        """Filler must not contain any expected answer of the set, so only fact sentences can answer."""
        return not any(span.search(sentence) for span in self.spans)

    def filler(self, domain: Domain, count: int, seen: set[str], entity: str | None) -> list[str]:
        out: list[str] = []
        for attempt in range(count * 12):
            if len(out) == count:
                break
            if entity and self.rng.random() < 0.35:
                template = self.deal(domain.entity_prose)
                sentence = self.fill(template, domain, entity=entity)
            else:
                template = self.deal(domain.prose)
                sentence = self.fill(template, domain)
            # A linking phrase now and then, as writers use them; never before a name.
            if not template.startswith("{") and self.rng.random() < 0.1:
                sentence = f"{self.rng.choice(OPENERS)}, {sentence[0].lower()}{sentence[1:]}"
            # Long documents exhaust the combinations; a repeat is then better than a short paragraph.
            if sentence not in seen or attempt >= count * 10:
                seen.add(sentence)
                out.append(sentence)
        return out

    def abstract_section(self) -> list[str] | None:
        """The longest section of a random PubMedQA abstract, as sentences; None without the data."""
        if self._abstracts is None:
            path = pubmedqa.dev_path()
            contexts = pubmedqa.load_contexts(path) if path.is_file() else []
            # Only abstracts the PDF's standard fonts can draw.
            self._abstracts = [c for c in contexts if all(_encodable(p) for p in c)]
        while self._abstracts:
            chosen = self._abstracts.pop(self.rng.randrange(len(self._abstracts)))
            sentences = [s for s in _PUBMEDQA_SENTENCE.split(max(chosen, key=len)) if self.clean(s)]
            if len(sentences) >= 2:
                return sentences
        return None

    def paragraph(self, domain: Domain, seen: set[str], entity: str | None) -> _Draft:
        if domain.uses_pubmedqa and self.rng.random() < 0.75:
            sentences = self.abstract_section()
            if sentences:
                if entity and self.rng.random() < 0.5:
                    sentences.insert(0, self.fill(self.rng.choice(domain.entity_prose), domain, entity=entity))
                return _Draft(sentences)
        return _Draft(self.filler(domain, self.rng.randint(4, 7), seen, entity))

    # -- documents ----------------------------------------------------------------------------------------

    def document(self, plan: _Plan, number: int) -> GeneratedDocument:
        rng, domain = self.rng, plan.domain
        seen: set[str] = set()
        self.decks = {}
        general = list(domain.headings)
        lead = rng.randint(1, 2)
        sections: list[tuple[str, str | None, list[_Draft]]] = []  # (heading, entity, paragraphs)
        for heading in general[:lead]:
            sections.append((heading, None, [self.paragraph(domain, seen, None) for _ in range(2)]))
        # Entity sections alternate with general ones, so facts are spread through the document.
        tail = general[lead:]
        per_entity = max(1, len(tail) // len(plan.entities))
        last = len(plan.entities) - 1
        for order, entity in enumerate(plan.entities):
            heading = _capitalise(rng.choice(domain.entity_headings).format(entity=entity))
            sections.append((heading, entity, [self.paragraph(domain, seen, entity) for _ in range(rng.randint(1, 2))]))
            for heading in tail[order * per_entity : None if order == last else (order + 1) * per_entity]:
                sections.append((heading, None, [self.paragraph(domain, seen, None) for _ in range(rng.randint(1, 2))]))

        # Each fact goes into a paragraph of its entity's section, never as the first sentence.
        by_entity = {entity: paragraphs for _, entity, paragraphs in sections if entity}
        for entity, kind, sentence, value in plan.facts:
            draft = self.paragraph(domain, seen, entity)
            position = rng.randint(1, len(draft.sentences) - 1)
            draft.sentences.insert(position, sentence)
            draft.fact, draft.position = (kind.key, entity, value.spans), position
            paragraphs = by_entity[entity]
            paragraphs.insert(rng.randint(1, len(paragraphs)), draft)

        extras = self.extras(domain, plan.entities, number)
        target_pages = rng.randint(8, 14)
        document = self.assemble(plan, sections, extras)
        while document.page_count < target_pages:
            for _ in range((target_pages - document.page_count) * 4):
                _, section_entity, paragraphs = sections[rng.randrange(len(sections))]
                paragraphs.insert(rng.randint(1, len(paragraphs)), self.paragraph(domain, seen, section_entity))
            document = self.assemble(plan, sections, extras)
        return document

    def extras(self, domain: Domain, entities: list[str], number: int) -> dict[int, Block]:
        """A bulleted list in every other document and a small table in every third, keyed by section."""
        extras: dict[int, Block] = {}
        if domain.bullets and number % 2 == 0:
            extras[0] = BulletList(tuple(self.rng.sample(domain.bullets, min(4, len(domain.bullets)))))
        if domain.table and number % 3 == 0:
            header = ("Name", *(column for column, _ in domain.table))
            rows = tuple((_capitalise(e), *(self.rng.choice(options) for _, options in domain.table)) for e in entities)
            extras[1] = Table(header, rows)
        return extras

    @staticmethod
    def assemble(
        plan: _Plan, sections: list[tuple[str, str | None, list[_Draft]]], extras: dict[int, Block]
    ) -> GeneratedDocument:
        blocks: list[Block] = []
        facts: list[Fact] = []
        for number, (heading, _, paragraphs) in enumerate(sections):
            blocks.append(Heading(heading))
            for index, draft in enumerate(paragraphs):
                if draft.fact:
                    kind, entity, spans = draft.fact
                    sentence = draft.sentences[draft.position]
                    facts.append(Fact(kind, entity, sentence, spans, len(blocks), draft.position))
                blocks.append(Paragraph(tuple(draft.sentences)))
                if index == 0 and number in extras:
                    blocks.append(extras[number])
        return GeneratedDocument(plan.title, plan.domain.name, plan.org, blocks, facts)


def _encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class SingleFactDocument:
    document: GeneratedDocument
    fact: Fact
    page: int
    questions: list[Question]


def single_fact_document(*, pages: int = 12, fact_page: int = 3, seed: int = 0) -> SingleFactDocument:
    """A `pages`-page handbook of plain prose whose only fact sentence sits on `fact_page`, with its questions.

    `.document.pdf()` gives the PDF; the questions are worded in both families (dev and test forms)."""
    rng = Random(f"single-fact:{seed}")
    writer = _Writer(rng, "a")
    domain = DOMAINS[1]  # the company handbook: plain prose, no lists of figures
    org = rng.choice(domain.orgs)
    entity = domain.entity.format(name=rng.choice(domain.entity_names))
    kind = rng.choice(domain.kinds)
    value = writer.value(domain, kind)
    sentence = _capitalise(rng.choice(kind.sentences["a"]).format(entity=entity, value=value.text))
    writer.spans = [re.compile(rf"(?<!\w){re.escape(span)}(?!\w)", re.IGNORECASE) for span in value.spans]
    plan = _Plan(domain, org, domain.titles[0].format(org=org, category=""), [entity], [])

    seen: set[str] = set()
    headings = list(domain.headings)
    sections: list[tuple[str, str | None, list[_Draft]]] = []
    document = _Writer.assemble(plan, sections, {})
    while document.page_count <= pages:
        heading = headings[len(sections) % len(headings)]
        paragraphs = [writer.paragraph(domain, seen, entity) for _ in range(4)]
        sections.append((heading if len(sections) < len(headings) else f"{heading} (continued)", None, paragraphs))
        document = _Writer.assemble(plan, sections, {})
    # Place the fact in a paragraph that starts on the wanted page, then trim the end to the page count.
    for section_index, (_, _, paragraphs) in enumerate(sections):
        for index, draft in enumerate(paragraphs):
            block = _block_of(sections, section_index, index)
            if document.layout.block_pages[block] != fact_page or draft.fact:
                continue
            draft.sentences.insert(1, sentence)
            draft.fact, draft.position = (kind.key, entity, value.spans), 1
            document = _Writer.assemble(plan, sections, {})
            if document.fact_page(document.facts[0]) == fact_page:
                while document.page_count > pages:
                    sections[-1][2].pop()
                    if not sections[-1][2]:
                        sections.pop()
                    document = _Writer.assemble(plan, sections, {})
                fact = document.facts[0]
                questions = [
                    Question(
                        _capitalise(t.format(entity=entity)),
                        value.spans,
                        plan.title,
                        fact_page,
                        sentence,
                        entity,
                        kind.key,
                    )
                    for family in ("a", "b")
                    for t in kind.questions[family]
                ]
                document.questions = questions
                return SingleFactDocument(document, fact, fact_page, questions)
            draft.sentences.pop(1)
            draft.fact = None
    raise ValueError(f"no paragraph starts on page {fact_page} of {pages}")


def _block_of(sections: list[tuple[str, str | None, list[_Draft]]], section: int, paragraph: int) -> int:
    """Block index of a paragraph as `_Writer.assemble` lays blocks out (a heading before each section)."""
    return sum(1 + len(p) for _, _, p in sections[:section]) + 1 + paragraph
