"""`studybot content validate [--data-dir DIR] [--no-check-answers]` (wired into bot/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    content = subparsers.add_parser(
        "content", help="inspect and validate data/ (prompts, resources, curricula)"
    )
    actions = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    validate = actions.add_parser(
        "validate", help="check every prompt, resource, curriculum and generator; exit 1 on any problem"
    )
    validate.add_argument(
        "--data-dir", type=Path, default=None, help="data directory (default: the repo's data/)"
    )
    validate.add_argument(
        "--no-check-answers",
        dest="check_answers",
        action="store_false",
        help="skip running the answer checker on answers, equivalents and mistakes",
    )
    validate.add_argument(
        "--seeds", type=int, default=None, help="seeds per generator (default 50)", metavar="N"
    )
    validate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.content.validate import DEFAULT_GENERATOR_SEEDS, validate_content

    seeds = args.seeds if getattr(args, "seeds", None) is not None else DEFAULT_GENERATOR_SEEDS
    report = validate_content(args.data_dir, check_answers=args.check_answers, generator_seeds=seeds)
    out = sys.stdout
    print(report.summary(), file=out)
    for problem in report.problems:
        where = f"{problem.file}:{problem.line}" if problem.line is not None else problem.file
        print(f"{where}: {problem.id or '-'}: {problem.message}", file=out)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point until bot/cli.py wires `register` in."""
    parser = argparse.ArgumentParser(prog="studybot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
