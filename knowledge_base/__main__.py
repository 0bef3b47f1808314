"""`python -m knowledge_base check|search|eval` — tools for librarians and developers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge_base import calibrate, evaluate
from knowledge_base.analysis import Analyzer
from knowledge_base.loader import load_articles
from knowledge_base.search import KnowledgeBase, Thresholds

DEFAULT_KB = Path(__file__).parent / "articles"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command: int = args.handler(args)
    return command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge_base",
        description="Перевірка, пошук і оцінювання бази знань Приймальні.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", help="перевірити теку статей; код виходу 1, якщо є помилки"
    )
    check.add_argument("directory", type=Path, help="тека зі статтями (.md)")
    check.set_defaults(handler=_check)

    search = commands.add_parser("search", help="знайти статті на питання, з оцінками й рішенням")
    search.add_argument("question", help="питання, як його написав би відвідувач")
    search.add_argument("--kb", type=Path, default=DEFAULT_KB, help="тека зі статтями")
    search.add_argument("--limit", type=int, default=5, help="скільки кандидатів показати")
    search.set_defaults(handler=_search)

    evaluation = commands.add_parser(
        "eval", help="прогнати питання з відомими відповідями; останній рядок — JSON з метриками"
    )
    evaluation.add_argument("--kb", type=Path, default=DEFAULT_KB, help="тека зі статтями")
    evaluation.add_argument("--questions", type=Path, required=True, help="файл JSON Lines")
    evaluation.set_defaults(handler=_eval)

    fitting = commands.add_parser(
        "calibrate",
        help="підібрати ваги рішення на питаннях, зроблених із самої бази; друкує таблицю [model]",
    )
    fitting.add_argument("--kb", type=Path, default=DEFAULT_KB, help="тека зі статтями")
    fitting.set_defaults(handler=_calibrate)
    return parser


def _check(args: argparse.Namespace) -> int:
    result = load_articles(args.directory)
    for warning in result.warnings:
        print(f"{warning} (попередження)")
    for error in result.errors:
        print(error)
    print(f"статей без помилок: {len(result.articles)}, з помилками: {len(result.errors)}")
    return 1 if result.errors else 0


def _search(args: argparse.Namespace) -> int:
    kb, errors = KnowledgeBase.load(args.kb)
    _report_skipped(errors)
    result = kb.search(args.question, limit=args.limit)
    for place, candidate in enumerate(result.candidates, start=1):
        article = candidate.article
        print(f"{place}. {candidate.score:.3f}  {article.id}  {article.title}")
    print(f"рішення: {result.decision}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    kb, errors = KnowledgeBase.load(args.kb)
    _report_skipped(errors)
    questions = evaluate.read_questions(args.questions)
    outcomes = evaluate.run(kb, questions)
    for line in evaluate.misses_table(outcomes):
        print(line)
    print(json.dumps(evaluate.metrics(outcomes), ensure_ascii=False))
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    result = load_articles(args.kb)
    _report_skipped(result.errors)
    data = calibrate.examples(result.articles, Thresholds.load(), Analyzer())
    right = sum(example.right for example in data)
    print(f"питань: {len(data)}, з правильною першою статтею: {right}")
    bias, weights = calibrate.fit(data)
    print(calibrate.model_table(bias, weights))
    return 0


def _report_skipped(errors: Sequence[object]) -> None:
    for error in errors:
        print(f"пропущено: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
