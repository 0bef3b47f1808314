from __future__ import annotations

import io
from pathlib import Path

from bot import render
from bot.app import CONSOLE_STAFF, assemble, open_console
from bot.channels.console import ConsoleChannel, ConsoleConfig
from bot.settings import Settings
from handlers import texts
from handlers.messages import Attachment, Reply
from tests.fakes.embedder import CONCEPT_ARTICLES, TEST_EMBEDDER
from tests.harness import write_articles
from tests.helpers.cli import run_bot


def console_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "DATABASE_PATH": str(tmp_path / "console.sqlite3"),
        "SEMANTIC_MODEL": TEST_EMBEDDER,
    }


def test_scripted_start_prints_the_greeting_and_numbered_menu(tmp_path: Path) -> None:
    result = run_bot("console", env=console_env(tmp_path), stdin="/start\n")
    assert result.returncode == 0, result.stderr
    assert "Вітаю! Я — Приймальня" in result.stdout
    assert f"[1] {texts.BTN_REFERENCE}" in result.stdout
    assert f"[5] {texts.BTN_CONTACTS}" in result.stdout


def test_buttons_are_pressed_by_number_or_label_and_staff_side_is_shown(
    tmp_path: Path,
) -> None:
    script = "/start\n5\nдо меню\n4\nЯк записатися на курси?\n@/help\n"
    result = run_bot("console", env=console_env(tmp_path), stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "вул. Потьомкінська, 143а" in out  # 5 pressed Контакти
    assert out.count(texts.MENU) == 1  # "до меню" typed as a label
    assert texts.ASK_PROMPT in out
    assert "[бібліотекарі #" in out and "Як записатися на курси?" in out
    assert "Дякую! Ваше запитання №1 передано бібліотекарям." in out


def test_without_tokens_run_starts_the_console_and_says_how_to_connect(
    tmp_path: Path,
) -> None:
    result = run_bot(env=console_env(tmp_path), stdin="/start\n")
    assert result.returncode == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Вітаю!" in result.stdout


def test_broken_articles_are_reported_to_the_staff_chat_at_start(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "good.md").write_text(
        "---\nid: good\ntitle: Добра стаття про квитки\ncategory: Інше\n"
        "questions:\n  - як купити квиток\n  - де купити квиток\n---\nНа сайті.\n",
        encoding="utf-8",
    )
    (folder / "bad.md").write_text("---\ntitle: [незакрита\n---\nТекст\n", encoding="utf-8")
    env = console_env(tmp_path) | {"KNOWLEDGE_BASE_DIR": str(folder)}
    result = run_bot("console", env=env, stdin="як купити квиток\n")
    assert result.returncode == 0, result.stderr
    assert "[бібліотекарі #1] ⚠️ Пропущено файлів з помилками: 1" in result.stdout
    assert "bad.md:" in result.stdout
    assert "Добра стаття про квитки" in result.stdout


async def test_with_meaning_ready_the_console_answers_by_meaning_or_hands_over(
    tmp_path: Path,
) -> None:
    folder = write_articles(tmp_path / "kb", CONCEPT_ARTICLES)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "reception.sqlite3",
        knowledge_base_dir=folder,
        semantic_model=TEST_EMBEDDER,
    )
    script = io.StringIO("о котрій ви зачиняєтеся\nяка погода завтра\n")
    out = io.StringIO()
    async with assemble(settings, staff=CONSOLE_STAFF) as app:
        kb = app.core.services.kb
        await kb.wait_embedded()
        assert kb.semantic_ready
        console = open_console(app, script, out)
        await console.run()

    shown = out.getvalue()
    # No word of the first question is in the article: its meaning is.
    assert "Графік роботи бібліотеки" in shown
    assert texts.KB_FEEDBACK in shown  # asked at the end of the answer
    assert render.to_plain(texts.KB_NONE) in shown


def test_a_librarian_slip_at_the_keyboard_gets_a_hint_not_silence(tmp_path: Path) -> None:
    script = "@/queue\n@3\n@#42 Приходьте завтра\n"

    result = run_bot("console", env=console_env(tmp_path), stdin=script)

    assert result.returncode == 0, result.stderr
    assert texts.CONSOLE_NO_STAFF_BUTTON.format(number=3) in result.stdout
    assert texts.CONSOLE_NO_STAFF_MESSAGE.format(number=42) in result.stdout


async def test_a_generated_file_is_saved_and_its_path_printed(tmp_path: Path) -> None:
    out = io.StringIO()
    folder = tmp_path / "console-files"
    events: list[object] = []

    async def handle(event: object) -> None:
        events.append(event)

    async def flush() -> None:
        return None

    config = ConsoleConfig(staff=CONSOLE_STAFF, files_dir=folder)
    console = ConsoleChannel(config, handle, flush, io.StringIO(""), out)
    calendar = Attachment.generated(b"BEGIN:VCALENDAR", "курс.ics", "text/calendar")
    link = Attachment.link("https://mkrada.gov.ua/розклад.pdf", file_name="Розклад")
    await console.sender.send("citizen", Reply("Ви записані", attachments=(calendar, link)))
    await console.sender.send("citizen", Reply("Ще раз", attachments=(calendar,)))

    shown = out.getvalue()
    first, second = folder / "курс.ics", folder / "курс (2).ics"
    assert f"📎 document: курс.ics → {first}" in shown
    assert f"📎 document: курс.ics → {second}" in shown  # an earlier file is not overwritten
    assert "📎 document: Розклад → https://mkrada.gov.ua/розклад.pdf" in shown
    assert first.read_bytes() == second.read_bytes() == b"BEGIN:VCALENDAR"
    assert events == []
