"""The dialog engine on a small form of its own, through the real core and database:
questions in order, back, skip, review, edit, stale buttons, and a restart mid-way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pytest

from handlers import menu, texts
from handlers.context import Context
from handlers.dialog import (
    Dialog,
    DialogButtons,
    DialogTexts,
    Hooks,
    Invalid,
    NavAction,
    StateForm,
    Step,
)
from handlers.messages import Event
from handlers.payloads import Payload
from handlers.routing import Router, Routes, compose
from storage.db import Database
from tests.harness import Chat, FakeClock, make_core


@dataclass(frozen=True)
class Nav(Payload, prefix="tdlg"):
    action: Literal["back", "cancel", "stay", "skip", "done", "nofiles", "edit", "send"]
    confirm: Literal["yes"] | None = None


@dataclass(frozen=True)
class Pick(Payload, prefix="tdlg:pick"):
    step: str
    key: str


@dataclass(frozen=True)
class Field(Payload, prefix="tdlg:field"):
    step: str


def _nav(action: NavAction, arg: str | None) -> Payload:
    return Nav(action, "yes" if arg == "yes" else None)


def reader(event: Event) -> str:
    if not event.text or not event.text.strip().isalpha():
        raise Invalid("Лише літери, будь ласка.")
    return event.text.strip()


STEPS = (
    Step("reader", "Як вас звати?", take=reader),
    Step("branch", "Яка філія?", choices={"c": "Центральна", "f1": "Філія №1"}),
    Step("note", "Побажання?", take=lambda e: (e.text or "").strip(), skip="Пропустити"),
)


def review_text(ctx: Context, record: dict[str, Any]) -> str:
    return f"Перевірте: {record.get('reader')}, {record.get('branch')}, {record.get('note')}"


async def submit(ctx: Context, record: dict[str, Any]) -> None:
    ctx.finish()
    ctx.say(f"Записано: {record['reader']}, {record['branch']}")


async def cancel(ctx: Context, record: dict[str, Any], confirmed: bool) -> None:
    if not confirmed:
        ctx.say("Точно скасувати?", [[menu.HOME]])
        return
    menu.show_menu(ctx, "Скасовано.")


async def leave(ctx: Context) -> None:
    menu.show_menu(ctx, "Вийшли з форми.")


async def gone(ctx: Context) -> None:
    menu.show_menu(ctx, "Форми вже немає.")


TEXTS = DialogTexts(
    back="Назад",
    cancel="Скасувати",
    files_done="Готово",
    no_files="Без файлів",
    send="Надіслати",
    edit="Змінити",
    choose="Оберіть кнопку.",
    edit_which="Що змінити?",
    contact_not_here="Тут не телефон. {prompt}",
    file_expected="Надішліть файл.",
    file_kind="Лише фото чи документ.",
    file_size="{name}: {size} МБ — завеликий.",
    file_count="Досить файлів.",
    file_added="Додано: {count}.",
)

DIALOG: Dialog[dict[str, Any]] = Dialog(
    STEPS,
    StateForm(),
    Hooks(review_text=review_text, submit=submit, cancel=cancel, leave=leave, gone=gone),
    TEXTS,
    DialogButtons(nav=_nav, pick=Pick, field=Field),
    {"reader": "Ім'я", "branch": "Філію", "note": "Побажання"},
)


def toy_routes() -> Routes:
    router = Router("toy")

    @router.command("toy")
    async def start(ctx: Context) -> None:
        ctx.goto("toy.form", form={})
        record = await DIALOG.form.load(ctx)
        assert record is not None
        await DIALOG.start(ctx, record)

    @router.step("toy.*")
    async def on_input(ctx: Context) -> None:
        await DIALOG.on_input(ctx)

    async def loaded(ctx: Context) -> dict[str, Any] | None:
        record = await DIALOG.form.load(ctx) if ctx.step == "toy.form" else None
        if record is None:
            await gone(ctx)
        return record

    @router.button(Nav)
    async def on_nav(ctx: Context, press: Nav) -> None:
        if (record := await loaded(ctx)) is not None:
            await DIALOG.on_nav(ctx, record, press.action, press.confirm)

    @router.button(Pick)
    async def on_pick(ctx: Context, press: Pick) -> None:
        if (record := await loaded(ctx)) is not None:
            await DIALOG.on_pick(ctx, record, press.step, press.key)

    @router.button(Field)
    async def on_field(ctx: Context, press: Field) -> None:
        if (record := await loaded(ctx)) is not None:
            await DIALOG.on_field(ctx, record, press.step)

    return compose([menu.router, router], [])


@pytest.fixture
def chat(db: Database, clock: FakeClock) -> Chat:
    return Chat(*make_core(db, clock, routes=toy_routes()))


async def test_questions_in_order_a_wrong_answer_explained_then_review_and_send(
    chat: Chat,
) -> None:
    [first] = await chat.say("/toy")
    assert first.text == "Як вас звати?"
    assert first.labels == ["Назад", "Скасувати"]
    [wrong] = await chat.say("12345")
    assert wrong.text == "Лише літери, будь ласка."
    [second] = await chat.say("Олена")
    assert second.text == "Яка філія?"
    assert second.labels == ["Центральна", "Філія №1", "Назад", "Скасувати"]
    [typed] = await chat.say("центральна, будь ласка")
    assert typed.text == "Оберіть кнопку."  # a choice is a button, not typed text
    [third] = await chat.press("Філія №1")
    assert third.text == "Побажання?"
    [review] = await chat.press("Пропустити")
    assert review.text == "Перевірте: Олена, f1, None"
    assert review.labels == ["Надіслати", "Змінити", "Скасувати"]
    [done] = await chat.press("Надіслати")
    assert done.text == "Записано: Олена, f1"
    [after] = await chat.say("/cancel")
    assert after.text == texts.NOTHING_TO_CANCEL  # the dialog is over


async def test_back_goes_one_question_up_and_out_from_the_first(chat: Chat) -> None:
    await chat.say("/toy")
    await chat.say("Олена")
    [again] = await chat.press("Назад")
    assert again.text == "Як вас звати?"
    [out] = await chat.press("Назад")
    assert out.text == "Вийшли з форми."


async def test_an_edit_from_the_review_returns_to_the_review(chat: Chat) -> None:
    await chat.say("/toy")
    await chat.say("Олена")
    await chat.press("Центральна")
    await chat.say("Біля вікна")
    [fields] = await chat.press("Змінити")
    assert fields.text == "Що змінити?"
    [question] = await chat.press("Ім'я")
    assert question.text == "Як вас звати?"
    [review] = await chat.say("Ірина")
    assert review.text == "Перевірте: Ірина, c, Біля вікна"  # not the next question
    await chat.press("Змінити")
    await chat.press("Ім'я")
    [back] = await chat.press("Назад")
    assert back.text == "Перевірте: Ірина, c, Біля вікна"


async def test_a_button_from_an_older_question_reasks_the_current_one(chat: Chat) -> None:
    await chat.say("/toy")
    await chat.say("Олена")
    old_choice = chat.button("Центральна")
    await chat.press("Філія №1")
    [reasked] = await chat.send(payload=old_choice.payload)
    assert reasked.text == "Оберіть кнопку."
    assert "Пропустити" in reasked.labels  # the question in hand: the wishes


async def test_the_position_survives_a_restart(db: Database, clock: FakeClock) -> None:
    chat = Chat(*make_core(db, clock, routes=toy_routes()))
    await chat.say("/toy")
    await chat.say("Олена")
    restarted = Chat(*make_core(db, clock, routes=toy_routes()))
    [question] = await restarted.send(payload=Pick("branch", "c").pack())
    assert question.text == "Побажання?"
