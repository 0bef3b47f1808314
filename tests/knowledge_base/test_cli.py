from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.__main__ import main

from .conftest import write_articles


def test_check_passes_a_good_folder(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(kb_dir)]) == 0
    assert "з помилками: 0" in capsys.readouterr().out


def test_check_fails_and_names_the_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_articles(tmp_path, {"broken.md": "---\nid: x\ntitle: T\n---\nТекст\n"})

    assert main(["check", str(tmp_path)]) == 1
    assert f"{tmp_path / 'broken.md'}:1:" in capsys.readouterr().out


def test_search_prints_candidates_and_decision(
    kb_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--kb", str(kb_dir), "як оплатити комуналку"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert "utility-bills" in out[0]
    assert out[-1] == "рішення: answer"


def test_eval_ends_with_the_metrics_json(
    kb_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "questions.jsonl"
    lines = [
        {"q": "як оплатити комуналку", "expected": "utility-bills"},
        {"q": "пароль від вайфаю", "expected": "library-wifi"},
        {"q": "рецепт борщу з пампушками", "expected": None},
    ]
    questions.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")

    assert main(["eval", "--kb", str(kb_dir), "--questions", str(questions)]) == 0

    metrics = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert set(metrics) == {
        "questions",
        "answerable",
        "answered_correct",
        "top3",
        "wrong_answer",
        "null_escalated",
        "p50_ms",
        "p99_ms",
    }
    assert metrics["questions"] == 3
    assert metrics["answerable"] == 2


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("check", "search", "eval"))
