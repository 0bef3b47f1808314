from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from knowledge_base.__main__ import main
from tests.fakes.embedder import TEST_EMBEDDER
from tests.harness import write_articles


@pytest.fixture
def meaning(tmp_path: Path) -> list[str]:
    """Tools' options for the small test model and a cache of their own."""
    return ["--model", TEST_EMBEDDER, "--cache", str(tmp_path / "vectors.sqlite3")]


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
    kb_dir: Path, meaning: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--kb", str(kb_dir), *meaning, "як оплатити комуналку"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert "utility-bills" in out[0]
    assert out[-1] == "рішення: answer (слова і зміст)"

    assert main(["search", "--kb", str(kb_dir), "--no-semantic", "як оплатити комуналку"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "рішення: answer (лише слова)"


def test_a_model_that_does_not_load_leaves_the_word_search(
    kb_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = ["--model", "tests.fakes.embedder:BrokenEmbedder"]
    assert main(["search", "--kb", str(kb_dir), *broken, "як оплатити комуналку"]) == 0

    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == "рішення: answer (лише слова)"
    assert "модель змісту не завантажилася" in captured.err


def test_eval_ends_with_the_metrics_json(
    kb_dir: Path, tmp_path: Path, meaning: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "questions.jsonl"
    lines = [
        {"q": "як оплатити комуналку", "expected": "utility-bills"},
        {"q": "пароль від вайфаю", "expected": "library-wifi"},
        {"q": "рецепт борщу з пампушками", "expected": None},
    ]
    questions.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")

    for engine in (meaning, ["--no-semantic"]):
        assert main(["eval", "--kb", str(kb_dir), "--questions", str(questions), *engine]) == 0

        metrics = json.loads(capsys.readouterr().out.splitlines()[-1])
        assert set(metrics) == {
            "questions",
            "answerable",
            "answered_correct",
            "top3",
            "wrong_answer",
            "null_escalated",
            "suggested_correct",
            "one_tap",
            "suggested_null",
            "p50_ms",
            "p99_ms",
        }
        assert metrics["questions"] == 3
        assert metrics["answerable"] == 2
        shares = metrics["answered_correct"] + metrics["suggested_correct"]
        assert metrics["one_tap"] == pytest.approx(shares)


def test_calibrate_prints_both_policies_fitted_on_the_base(
    kb_dir: Path, meaning: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calibrate", "--kb", str(kb_dir), *meaning]) == 0

    tables = tomllib.loads(capsys.readouterr().out)
    for policy in ("words", "meaning"):
        decision = tables[policy]["decision"]
        assert {"answer", "margin", "suggest"} <= set(decision)
        assert 0 <= decision["suggest"] <= 1 and 0 <= decision["answer"] <= 1
    # Only the words may be sure enough to need no model.
    assert "sure" not in tables["meaning"]["decision"]
    assert tables["words"]["decision"].get("sure", 1.0) >= tables["words"]["decision"]["answer"]
    assert "closeness" in tables["meaning"]["answer_model"]
    assert "closeness" not in tables["words"]["answer_model"]


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("check", "search", "eval"))
