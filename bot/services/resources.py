"""/topics and /resources: what the bank covers, and where to study a topic.

Ordering of a topic's resources (best first): free before paid, then beginner before
intermediate before advanced, then focused before broad (a resource tagged with fewer topics is
more about this one), then catalog order (data/resources.yaml lists the most useful first).
"""

from __future__ import annotations

import asyncio
import difflib
from collections.abc import Callable, Iterable

from bot.content import ContentBank, Resource, Topic, load_content
from bot.replies import Field, Reply
from bot.services.context import Actor
from bot.services.topic_scores import MIN_ATTEMPTS, TopicScore, topic_scores, weakest
from bot.storage.database import Database

ContentLoader = Callable[[], ContentBank]

MAX_CHOICES = 25  # Discord's limit on autocomplete choices
MAX_LISTED = 8  # resources shown for one topic
PER_WEAK_TOPIC = 3  # resources shown under each weak topic
LEVELS = {"beginner": 0, "intermediate": 1, "advanced": 2}

# For a member with no history: intuition first, then practice, then the two free books/courses
# that cover most of the math of deep learning.
STARTER_PATH: tuple[tuple[str, str], ...] = (
    (
        "3b1b-linear-algebra",
        "vectors, matrices and eigenvalues as pictures: the intuition the rest builds on",
    ),
    ("3b1b-calculus", "derivatives and the chain rule, visually: the heart of backprop"),
    ("khan-linear-algebra", "exercises with instant feedback whenever a step feels shaky"),
    ("mml-book", "the linear algebra, calculus and probability of machine learning in one free book"),
    ("stats110", "probability done properly, with the best problem sets around"),
)


async def load_bank(loader: ContentLoader) -> ContentBank:
    """The content bank, read off the event loop (the first load parses every YAML file;
    later calls only stat the files to notice edits)."""
    return await asyncio.to_thread(loader)


def ordered_resources(resources: Iterable[Resource], catalog: Iterable[str]) -> list[Resource]:
    position = {resource_id: index for index, resource_id in enumerate(catalog)}
    return sorted(
        resources,
        key=lambda r: (not r.free, LEVELS.get(r.level, len(LEVELS)), len(r.topics), position.get(r.id, 0)),
    )


def resources_for(bank: ContentBank, slug: str) -> list[Resource]:
    return ordered_resources(bank.resources_for_topic(slug), bank.resources)


def resource_line(resource: Resource) -> str:
    details = [resource.kind, resource.level, "free" if resource.free else "paid"]
    if resource.time:
        details.append(resource.time)
    return f"**[{resource.title}]({resource.url})** — {' · '.join(d for d in details if d)}"


def suggest_topics(bank: ContentBank, text: str, limit: int = 3) -> list[Topic]:
    """The closest topics for text the matcher finds nothing for (never empty if topics exist):
    the best difflib ratio over each topic's slug, title and aliases."""
    query = " ".join(text.lower().split())

    def closeness(topic: Topic) -> float:
        names = (topic.slug.replace("-", " "), topic.title.lower(), *(a.lower() for a in topic.aliases))
        return max(difflib.SequenceMatcher(None, query, name).ratio() for name in names)

    return sorted(bank.topics.values(), key=closeness, reverse=True)[:limit]


def topic_label(topic: Topic) -> str:
    return f"`{topic.slug}` {topic.title}"


def not_found(bank: ContentBank, text: str, command: str) -> Reply:
    """'Did you mean ...?' for a topic nothing matches: a way forward, not an error wall."""
    lines = [f"• {topic_label(topic)}" for topic in suggest_topics(bank, text)]
    return Reply(
        title=f"No topic matches “{text.strip()[:80]}”",
        text="Did you mean:\n" + "\n".join(lines) + f"\n\nTry `{command} topic:<name>`, or /topics for all "
        f"{len(bank.topics)}.",
        tone="warning",
        ephemeral=True,
    )


def topic_choices(bank: ContentBank, text: str) -> list[tuple[str, str]]:
    """(name, value) autocomplete choices: fuzzy matches best first, value = slug; all topics
    in catalog order while nothing is typed."""
    topics = bank.match_topic(text, MAX_CHOICES) if text.strip() else list(bank.topics.values())
    return [(f"{topic.title} ({topic.area})"[:100], topic.slug) for topic in topics[:MAX_CHOICES]]


class ResourceService:
    def __init__(self, db: Database, content: ContentLoader = load_content) -> None:
        self.db = db
        self._content = content

    async def bank(self) -> ContentBank:
        return await load_bank(self._content)

    async def topic_choices(self, text: str) -> list[tuple[str, str]]:
        return topic_choices(await self.bank(), text)

    async def topics(self, actor: Actor) -> Reply:
        """Every topic grouped by area, with its prompt and generator counts (and the member's score)."""
        bank = await self.bank()
        scores = await topic_scores(self.db, bank, actor.guild_id, actor.user_id)
        from bot.content.generators import FAMILIES  # the registry only: cheap, no SymPy

        generators: dict[str, int] = {}
        for family in FAMILIES.values():
            generators[family.topic] = generators.get(family.topic, 0) + 1
        areas: dict[str, list[str]] = {}
        for topic in bank.topics.values():
            prompts = len(bank.prompts_by_topic(topic.slug))
            line = f"{topic_label(topic)} — {_count(prompts, 'prompt')}"
            if generators.get(topic.slug):
                line += f" + {_count(generators[topic.slug], 'generator')}"
            if topic.slug in scores:
                line += f" · you: {scores[topic.slug].correct}/{scores[topic.slug].attempts}"
            areas.setdefault(topic.area, []).append(line)
        total_generators = sum(generators.get(slug, 0) for slug in bank.topics)
        return Reply(
            title="Topics",
            text=(
                f"{_count(len(bank.prompts), 'hand-written prompt')} and "
                f"{_count(total_generators, 'generator')} over {_count(len(bank.topics), 'topic')}.\n"
                "`/practice topic:<name>` for a problem, `/resources topic:<name>` for where to learn it."
            ),
            fields=tuple(Field(area[:1].upper() + area[1:], _fit(lines)) for area, lines in areas.items()),
            ephemeral=True,
        )

    async def resources(self, actor: Actor, topic: str | None = None) -> Reply:
        bank = await self.bank()
        if topic is not None and topic.strip():
            return self._for_topic(bank, topic)
        scores = await topic_scores(self.db, bank, actor.guild_id, actor.user_id)
        weak = weakest(scores)
        if weak:
            return self._for_weak_topics(bank, weak)
        return self._starter(bank, scores)

    # -- replies ------------------------------------------------------------------------

    def _for_topic(self, bank: ContentBank, text: str) -> Reply:
        matches = bank.match_topic(text, 4)
        if not matches:
            return not_found(bank, text, "/resources")
        best, others = matches[0], matches[1:]
        listed = resources_for(bank, best.slug)
        lines = [resource_line(r) for r in listed[:MAX_LISTED]]
        if len(listed) > MAX_LISTED:
            lines.append(f"…and {len(listed) - MAX_LISTED} more in the catalog.")
        exact = text.strip().lower() in (best.slug, best.title.lower())
        fields: tuple[Field, ...] = ()
        if others and not exact:
            fields = (Field("Also matching", "\n".join(f"• {topic_label(t)}" for t in others)),)
        return Reply(
            title=f"Resources: {best.title}",
            text="\n".join(lines) or "No resources are tagged with this topic yet.",
            fields=fields,
            footer=f"Practise it: /practice topic:{best.slug}",
            ephemeral=True,
        )

    def _for_weak_topics(self, bank: ContentBank, weak: list[TopicScore]) -> Reply:
        fields = []
        for score in weak:
            topic = bank.topics[score.topic]
            lines = [resource_line(r) for r in resources_for(bank, score.topic)[:PER_WEAK_TOPIC]]
            fields.append(Field(f"{topic.title} — {score.describe()}", _fit(lines)))
        slugs = ", ".join(s.topic for s in weak)
        return Reply(
            title="Resources for your weakest topics",
            text=f"Picked from your answers so far (lowest accuracy first, at least {MIN_ATTEMPTS} answers "
            "per topic).",
            fields=tuple(fields),
            footer=f"Then practise: /practice topic:<one of {slugs}>",
            ephemeral=True,
        )

    def _starter(self, bank: ContentBank, scores: dict[str, TopicScore]) -> Reply:
        strong = [s for s in scores.values() if s.attempts >= MIN_ATTEMPTS]
        if strong:
            return self._next_topics(bank, scores, strong)
        path = [(bank.resources[rid], why) for rid, why in STARTER_PATH if rid in bank.resources]
        lines = [f"{n}. {resource_line(r)}\n   {why}" for n, (r, why) in enumerate(path, start=1)]
        note = (
            "Answer a few more problems (/daily, /practice) and this will point at your weakest topics."
            if scores
            else "After a few answers (/daily, /practice), this points at your weakest topics."
        )
        return Reply(
            title="Where to start",
            text="A starter path for the math of deep learning, in order:\n\n" + "\n".join(lines),
            footer=note + " For one topic: /resources topic:<name>",
            ephemeral=True,
        )

    def _next_topics(
        self, bank: ContentBank, scores: dict[str, TopicScore], strong: list[TopicScore]
    ) -> Reply:
        untried = [t for t in bank.topics.values() if t.slug not in scores][:3]
        fields = tuple(
            Field(topic.title, _fit([resource_line(r) for r in resources_for(bank, topic.slug)[:2]]))
            for topic in untried
        )
        return Reply(
            title="No weak spots so far",
            text=f"You are at 80% or better on every topic you have answered at least {MIN_ATTEMPTS} "
            f"problems in ({len(strong)}). "
            + ("Here is where to start on topics you have not tried yet." if untried else "Keep going!"),
            fields=fields,
            footer="For one topic: /resources topic:<name>",
            ephemeral=True,
            tone="success",
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _fit(lines: list[str], limit: int = 1024) -> str:
    """Whole lines that fit in an embed field."""
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line])) > limit:
            break
        kept.append(line)
    return "\n".join(kept) or "No resources are tagged with this topic yet."
