"""`studybot content validate`: every schema, cross-reference and answer problem in data/, with lines.

Unlike the loader (which stops at the first malformed entry), this collects everything, then
checks each prompt against the real answer checker: its own answer and every listed equivalent
must be judged correct, every listed mistake incorrect. Generators are run over many seeds and
held to the same rules.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.loader import ContentBank, default_data_dir, read_content
from bot.content.models import Prompt
from bot.content.schema import MAX_STATEMENT_CHARS, Problem, Sink
from bot.replies import plural

DEFAULT_GENERATOR_SEEDS = 50
CHECK_TIMEOUT_S = 5.0

# (expected, answer, CheckOptions kwargs) -> (status, message)
CheckFn = Callable[[str, str, dict[str, Any]], tuple[str, str]]


@dataclass
class ValidationReport:
    prompts: int = 0
    topics: int = 0
    generators: int = 0
    resources: int = 0
    curricula: int = 0
    answers_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        n = len(self.problems)
        return (
            f"content: {plural(self.prompts, 'prompt')}, {plural(self.topics, 'topic')},"
            f" {plural(self.generators, 'generator')}, {plural(self.resources, 'resource')},"
            f" {plural(self.curricula, 'curriculum', 'curricula')} — {plural(n, 'problem')}"
        )


def validate_content(
    data_dir: Path | None = None,
    *,
    check_answers: bool = True,
    generator_seeds: int = DEFAULT_GENERATOR_SEEDS,
    check_fn: CheckFn | None = None,
    families: Mapping[str, Any] | None = None,
) -> ValidationReport:
    """Validate data_dir (default: the repo's data/) and the generators.

    `families` defaults to every registered generator (bot.content.generators.FAMILIES); tests pass
    their own. `check_fn` replaces the real checker (tests); by default checks run through
    bot.maths.checker, in a WorkerPool with a hard timeout when bot.workers is available.
    """
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    sink = Sink(strict=False)
    bank = read_content(directory, sink)
    report = ValidationReport(
        prompts=len(bank.prompts),
        topics=len(bank.topics),
        resources=len(bank.resources),
        curricula=len(bank.curricula),
    )
    _check_prompts(bank, sink)
    _check_resources(bank, sink)
    families = dict(families) if families is not None else _load_families(sink)
    report.generators = len(families)
    generated = _run_generators(bank, families, generator_seeds, sink)
    _check_topic_coverage(bank, families, sink)
    _check_curricula(bank, families, sink)
    if check_answers:
        checker = _Checker(check_fn, sink)
        if checker.available:
            targets: list[tuple[str, int | None, Prompt]] = []
            for prompt in bank.prompts.values():
                where = bank.where.get(("prompt", prompt.id))
                targets.append((where.file if where else "?", where.loc.line if where else None, prompt))
            targets += generated
            try:
                report.answers_checked = _check_answers(targets, checker, sink, bank)
            finally:
                checker.close()
    report.problems = _cap_generated(
        sorted(
            _dedupe(sink.problems), key=lambda p: (p.file, p.line if p.line is not None else 0, p.id or "")
        )
    )
    return report


# --- cross references --------------------------------------------------------------------------


def _where(bank: ContentBank, kind: str, key: str) -> tuple[str, Any]:
    w = bank.where.get((kind, key))
    return (w.file, w.loc) if w else ("?", None)


def _check_prompts(bank: ContentBank, sink: Sink) -> None:
    for prompt in bank.prompts.values():
        file, loc = _where(bank, "prompt", prompt.id)
        _check_prompt_refs(prompt, bank, sink, file, loc.line_of if loc else (lambda _k: None))


def _at_line(line: int | None) -> Callable[[str], int | None]:
    """Every field of a generated prompt is reported on its family's line."""
    return lambda _field: line


def _check_prompt_refs(
    prompt: Prompt, bank: ContentBank, sink: Sink, file: str, line_of: Callable[[str], int | None]
) -> None:
    if prompt.topic not in bank.topics:
        sink.add(file, prompt.id, line_of("topic"), f"unknown topic {prompt.topic!r}")
    for rid in prompt.resources:
        if rid not in bank.resources:
            sink.add(file, prompt.id, line_of("resources"), f"unknown resource id {rid!r}")
    _check_formulas(prompt, sink, file, line_of)
    if len(prompt.statement) > MAX_STATEMENT_CHARS:
        sink.add(
            file,
            prompt.id,
            line_of("statement"),
            f"statement is {len(prompt.statement)} characters (max {MAX_STATEMENT_CHARS})",
        )


def _check_formulas(prompt: Prompt, sink: Sink, file: str, line_of: Callable[[str], int | None]) -> None:
    """Every formula a member sees is drawn by the formula renderer, not shown as its source.

    This is the renderer's own check (the TeX front end, then mathtext's parser) without
    drawing: the layout around it cannot fail, so the check is the same and far cheaper."""
    from bot.plots.errors import PlotError
    from bot.plots.tex import check_statement

    texts = [("statement", prompt.statement), ("solution", prompt.solution)]
    texts += [("hints", h) for h in prompt.hints]
    texts += [("mistakes", m.message) for m in prompt.mistakes]
    for key, text in texts:
        try:
            check_statement(text)
        except PlotError as exc:
            sink.add(file, prompt.id, line_of(key), f"a formula in the {key} cannot be drawn: {exc}")


def _check_resources(bank: ContentBank, sink: Sink) -> None:
    for resource in bank.resources.values():
        file, loc = _where(bank, "resource", resource.id)
        for slug in resource.topics:
            if slug not in bank.topics:
                sink.add(file, resource.id, loc.line_of("topics") if loc else None, f"unknown topic {slug!r}")


def _check_topic_coverage(bank: ContentBank, families: dict[str, Any], sink: Sink) -> None:
    gen_topics = {fam.topic for fam in families.values()}
    for slug in bank.topics:
        file, loc = _where(bank, "topic", slug)
        line = loc.line if loc else None
        if not bank.resources_for_topic(slug):
            sink.add(file, slug, line, "topic has no resources in resources.yaml")
        if not bank.prompts_by_topic(slug) and slug not in gen_topics:
            sink.add(file, slug, line, "topic has no prompts and no generator")


def _check_curricula(bank: ContentBank, families: dict[str, Any], sink: Sink) -> None:
    for curriculum in bank.curricula.values():
        for index, week in enumerate(curriculum.weeks):
            w = bank.where.get((f"week:{curriculum.slug}", str(index)))
            file = w.file if w else "?"

            def line(key: str, w: Any = w) -> int | None:
                return w.loc.line_of(key) if w else None

            label = f"{curriculum.slug} week {index + 1}"
            for slug in week.topics:
                if slug not in bank.topics:
                    sink.add(file, label, line("topics"), f"unknown topic {slug!r}")
            for rid in week.resources:
                if rid not in bank.resources:
                    sink.add(file, label, line("resources"), f"unknown resource id {rid!r}")
            for pid in week.prompts:
                if pid not in bank.prompts:
                    sink.add(file, label, line("prompts"), f"unknown prompt id {pid!r}")
            for gid in week.generators:
                if gid not in families:
                    sink.add(file, label, line("generators"), f"unknown generator id {gid!r}")


# --- generators --------------------------------------------------------------------------------


def _load_families(sink: Sink) -> dict[str, Any]:
    try:
        from bot.content import generators
    except Exception as exc:  # a broken generator module is a content problem, reported not raised
        sink.add("bot/content/generators", None, None, f"cannot import generators: {exc!r}")
        return {}
    return dict(generators.FAMILIES)


def _family_location(fam: Any) -> tuple[str, int | None]:
    fn = fam.generate
    try:
        path = Path(inspect.getsourcefile(fn) or "")
        parts = path.parts
        rel = str(Path(*parts[parts.index("bot") :])) if "bot" in parts else str(path)
        return rel, fn.__code__.co_firstlineno
    except (TypeError, ValueError):
        return "bot/content/generators", None


def _run_generators(
    bank: ContentBank, families: dict[str, Any], seeds: int, sink: Sink
) -> list[tuple[str, int | None, Prompt]]:
    from bot.content.generators.registry import build, seed_hash

    out: list[tuple[str, int | None, Prompt]] = []
    family_sink = Sink(strict=False)  # reference problems repeat on every seed: reported once
    for fam in families.values():
        file, line = _family_location(fam)
        if fam.topic not in bank.topics:
            sink.add(file, fam.id, line, f"unknown topic {fam.topic!r}")
        if not 1 <= fam.difficulty <= 5:
            sink.add(file, fam.id, line, f"difficulty must be 1-5, got {fam.difficulty}")
        for i in range(seeds):
            digest = seed_hash(fam.id, f"validate:{i}")
            seed_sink = Sink(strict=False)
            try:
                prompt = build(fam, digest, seed_sink)
            except Exception as exc:
                sink.add(file, f"{fam.id}:{digest}", line, f"generator crashed: {exc!r}")
                continue
            for problem in seed_sink.problems:
                family_sink.add(file, problem.id, line, f"generated prompt is malformed: {problem.message}")
            if prompt is None:
                continue
            _check_prompt_refs(prompt, bank, family_sink, file, _at_line(line))
            out.append((file, line, prompt))
    for problem in family_sink.problems:
        family = (problem.id or "").split(":", 1)[0]
        sink.add(problem.file, family, problem.line, problem.message)
    return out


# --- answers -----------------------------------------------------------------------------------


def _check_in_process(expected: str, answer: str, kwargs: dict[str, Any]) -> tuple[str, str]:
    """Module-level so a worker pool can pickle it."""
    from bot.maths.checker import CheckOptions, check

    verdict = check(expected, answer, CheckOptions(**kwargs))
    return str(verdict.status), str(getattr(verdict, "message", ""))


class _Checker:
    """Runs checks in-process, or through bot.workers.WorkerPool (hard timeout, 2 in parallel)."""

    def __init__(self, check_fn: CheckFn | None, sink: Sink) -> None:
        self.available = True
        self.pool: Any = None
        self.parallel = 1
        if check_fn is not None:
            self.fn: CheckFn = check_fn
            return
        try:
            import bot.maths.checker  # noqa: F401 - only probing that the checker exists
        except ImportError as exc:
            sink.add(
                "bot/maths/checker.py", None, None, f"answer checker unavailable, answers not checked: {exc}"
            )
            self.available = False
            self.fn = _check_in_process
            return
        try:
            from bot.workers import WorkerPool
        except ImportError:
            self.fn = _check_in_process
            return
        self.pool = WorkerPool(size=2, preload=("sympy", "bot.maths.checker"))
        self.parallel = 2
        self.fn = self._in_pool

    def _in_pool(self, expected: str, answer: str, kwargs: dict[str, Any]) -> tuple[str, str]:
        from bot.workers import WorkerCrashed, WorkerTimeout

        try:
            return self.pool.run_sync(_check_in_process, expected, answer, kwargs, timeout=CHECK_TIMEOUT_S)
        except WorkerTimeout:
            return "timeout", f"no verdict within {CHECK_TIMEOUT_S:g} s"
        except WorkerCrashed as exc:
            return "crashed", str(exc)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


@dataclass(frozen=True, slots=True)
class _Job:
    file: str
    line: int | None
    prompt_id: str
    field: str
    expected: str
    answer: str
    want: str
    kwargs: dict[str, Any]


def _jobs(targets: Iterable[tuple[str, int | None, Prompt]], bank: ContentBank) -> list[_Job]:
    jobs = []
    for file, default_line, prompt in targets:
        w = bank.where.get(("prompt", prompt.id))
        kwargs = prompt.check_kwargs()
        for field_name, answer, want in (
            [("answer", prompt.answer, "correct")]
            + [("equivalents", eq, "correct") for eq in prompt.equivalents]
            + [("mistakes", m.answer, "incorrect") for m in prompt.mistakes]
        ):
            line = w.loc.line_of(field_name) if w else default_line
            jobs.append(_Job(file, line, prompt.id, field_name, prompt.answer, answer, want, kwargs))
    return jobs


def _check_answers(
    targets: Iterable[tuple[str, int | None, Prompt]], checker: _Checker, sink: Sink, bank: ContentBank
) -> int:
    jobs = _jobs(targets, bank)

    def run(job: _Job) -> tuple[str, str]:
        try:
            status, message = checker.fn(job.expected, job.answer, job.kwargs)
        except Exception as exc:
            return "error", repr(exc)
        return str(status).rsplit(".", 1)[-1].lower(), message  # tolerate an Enum's str()

    if checker.parallel > 1:
        with ThreadPoolExecutor(max_workers=checker.parallel) as executor:
            results = list(executor.map(run, jobs))
    else:
        results = [run(job) for job in jobs]
    what = {"answer": "its own answer", "equivalents": "equivalent", "mistakes": "listed mistake"}
    for job, (status, message) in zip(jobs, results, strict=True):
        if status != job.want:
            detail = f": {message}" if message else ""
            sink.add(
                job.file,
                job.prompt_id,
                job.line,
                f"{what[job.field]} {job.answer!r} judged {status}, expected {job.want}{detail}",
            )
    return len(jobs)


MAX_PROBLEMS_PER_GENERATOR = 5


def _cap_generated(problems: list[Problem]) -> list[Problem]:
    """A broken generator fails the same way on many seeds: show a few, then count the rest."""
    out: list[Problem] = []
    shown: dict[str, int] = {}
    hidden: dict[str, Problem] = {}
    extra: dict[str, int] = {}
    for p in problems:
        family = p.id.split(":", 1)[0] if p.id and ":" in p.id else None
        if family is None:
            out.append(p)
            continue
        shown[family] = shown.get(family, 0) + 1
        if shown[family] <= MAX_PROBLEMS_PER_GENERATOR:
            out.append(p)
        else:
            extra[family] = extra.get(family, 0) + 1
            hidden.setdefault(family, p)
    for family, count in extra.items():
        first = hidden[family]
        out.append(
            Problem(first.file, family, first.line, f"... and {count} more problems from this generator")
        )
    return out


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
