"""The dialog engine: a multi-step form as a table of steps, with back, cancel, review and
edit as states of that table.

A dialog fills one record (an appeal, a booking) field by field. Where the person is — the
*position* — is one string stored once, by the record's `Form`:

    `<step>`        filling the form in order: an answer moves to the next step
    `edit:<step>`   changing one field from the review: an answer returns to the review
    `review`        everything shown, with «send», «edit», «cancel»
    `edit`          the list of fields to change

Each step is data: its question, what it accepts (typed text checked by `take`, one of
its `choices`, files, a shared contact), an optional «skip». The engine asks, checks,
saves each answer at once (so leaving mid-way or a restart loses nothing) and moves on;
the feature supplies the record (`Form`), the texts, the button payloads, and what
happens on «send» and «cancel».
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, Protocol, TypeVar

from handlers import texts
from handlers.context import Context
from handlers.messages import Attachment, Button, Event
from handlers.payloads import Payload

R = TypeVar("R")

REVIEW = "review"
EDIT = "edit"
EDITING = "edit:"

NavAction = Literal["back", "cancel", "stay", "skip", "done", "nofiles", "edit", "send"]


class Invalid(Exception):
    """Input a step cannot take; the message tells the person why, in plain words."""


@dataclass(frozen=True)
class Files:
    """A step that takes photos and documents until «done»."""

    max_count: int
    max_bytes: int
    kinds: frozenset[str] = frozenset({"photo", "document"})


@dataclass(frozen=True)
class Step:
    name: str  # the record's field it fills
    prompt: str
    take: Callable[[Event], object] | None = None  # typed input → value, or raises Invalid
    choices: Mapping[str, str] = field(default_factory=dict)  # button key → label
    # A pressed choice's stored value; by default the key itself.
    value_of: Callable[[str], object] | None = None
    skip: str | None = None  # label of a button that leaves an optional field empty
    files: Files | None = None
    request_contact: bool = False


@dataclass(frozen=True)
class DialogTexts:
    back: str
    cancel: str
    files_done: str
    no_files: str
    send: str
    edit: str
    choose: str  # «please press one of the buttons»
    edit_which: str
    contact_not_here: str  # «{prompt}»: a shared contact at a question that is no phone
    file_expected: str
    file_kind: str
    file_size: str  # {name}, {size} in MB
    file_count: str
    file_added: str  # {count}

    @classmethod
    def standard(cls, *, send: str, edit: str, edit_which: str) -> DialogTexts:
        """The catalogue's wording for everything but what the form's own buttons say."""
        return cls(
            back=texts.BTN_BACK,
            cancel=texts.BTN_CANCEL,
            files_done=texts.BTN_ATTACH_DONE,
            no_files=texts.BTN_NO_ATTACHMENTS,
            send=send,
            edit=edit,
            choose=texts.APPEAL_ERR_CHOOSE,
            edit_which=edit_which,
            contact_not_here=texts.APPEAL_PHONE_ALREADY,
            file_expected=texts.APPEAL_ERR_FILE_EXPECTED,
            file_kind=texts.APPEAL_ERR_FILE_KIND,
            file_size=texts.APPEAL_ERR_FILE_SIZE,
            file_count=texts.APPEAL_ERR_FILE_COUNT,
            file_added=texts.APPEAL_FILE_ADDED,
        )


@dataclass(frozen=True)
class DialogButtons:
    """The feature's payload types for the engine's buttons (one family per dialog)."""

    nav: Callable[[NavAction, str | None], Payload]
    pick: Callable[[str, str], Payload]  # step, choice key
    field: Callable[[str], Payload]  # step to edit


class Form(Protocol[R]):
    """The record a dialog fills, and the position in it."""

    async def load(self, ctx: Context) -> R | None:
        """The record this person is filling now; None when it is gone."""

    def position(self, record: R) -> str | None: ...

    async def move(self, ctx: Context, record: R, position: str) -> None: ...

    async def save(self, ctx: Context, record: R, step: str, value: object) -> R:
        """Store one field; return the record as it is now."""

    def value(self, record: R, step: str) -> Any: ...

    def filling(self, record: R) -> bool:
        """False when the record is being corrected, not filled (back stays at review)."""


@dataclass(frozen=True)
class Hooks(Generic[R]):
    """What the feature decides: the review screen, sending, cancelling, leaving."""

    review_text: Callable[[Context, R], str]
    submit: Callable[[Context, R], Awaitable[None]]
    cancel: Callable[[Context, R, bool], Awaitable[None]]  # (ctx, record, confirmed)
    leave: Callable[[Context], Awaitable[None]]  # «back» at the first question
    gone: Callable[[Context], Awaitable[None]]  # the record no longer exists
    # Said before a step takes the input; True when it took it (e.g. «меню»).
    intercept: Callable[[Context, R], Awaitable[bool]] | None = None
    ref: Callable[[R], str | None] = lambda _record: None  # prompts' ref (the staff chat)
    required: Sequence[str] = ()


class Dialog(Generic[R]):
    def __init__(
        self,
        steps: Sequence[Step],
        form: Form[R],
        hooks: Hooks[R],
        texts: DialogTexts,
        buttons: DialogButtons,
        edit_labels: Mapping[str, str],
    ) -> None:
        self.steps = tuple(steps)
        self.by_name = {s.name: s for s in self.steps}
        self.form = form
        self.hooks = hooks
        self.texts = texts
        self.buttons = buttons
        self.edit_labels = edit_labels

    # --- Screens ----------------------------------------------------------------------

    async def ask(
        self, ctx: Context, record: R, step: Step, text: str | None = None, *, editing: bool
    ) -> None:
        """Put the question of `step` (or, after a wrong answer, `text` saying why)."""
        await self.form.move(ctx, record, (EDITING if editing else "") + step.name)
        t, b = self.texts, self.buttons
        rows = [
            [Button(label, b.pick(step.name, key).pack())] for key, label in step.choices.items()
        ]
        if step.files:
            rows.append(
                [
                    Button(t.files_done, b.nav("done", None).pack()),
                    Button(t.no_files, b.nav("nofiles", None).pack()),
                ]
            )
        if step.skip:
            rows.append([Button(step.skip, b.nav("skip", None).pack())])
        rows.append(self._nav_row())
        contact = step.request_contact and not ctx.event.from_staff_chat
        ctx.say(text or step.prompt, rows, request_contact=contact, ref=self.hooks.ref(record))

    async def review(self, ctx: Context, record: R, text: str | None = None) -> None:
        await self.form.move(ctx, record, REVIEW)
        t, b = self.texts, self.buttons
        buttons = [
            [Button(t.send, b.nav("send", None).pack())],
            [Button(t.edit, b.nav("edit", None).pack())],
            [Button(t.cancel, b.nav("cancel", None).pack())],
        ]
        body = text or self.hooks.review_text(ctx, record)
        ctx.say(body, buttons, ref=self.hooks.ref(record))

    async def edit_menu(self, ctx: Context, record: R, text: str | None = None) -> None:
        await self.form.move(ctx, record, EDIT)
        fields = [
            Button(label, self.buttons.field(name).pack())
            for name, label in self.edit_labels.items()
        ]
        rows = [fields[i : i + 2] for i in range(0, len(fields), 2)]
        rows.append([Button(self.texts.back, self.buttons.nav("back", None).pack())])
        ctx.say(text or self.texts.edit_which, rows, ref=self.hooks.ref(record))

    async def start(self, ctx: Context, record: R) -> None:
        await self.ask(ctx, record, self.steps[0], editing=False)

    async def resume(self, ctx: Context, record: R, text: str | None = None) -> None:
        """Show the screen of the current position again (after «stay», «continue»)."""
        position = self.form.position(record) or self.steps[0].name
        if position == REVIEW:
            await self.review(ctx, record, text)
        elif position == EDIT:
            await self.edit_menu(ctx, record, text)
        else:
            editing = position.startswith(EDITING)
            step = self.by_name.get(position.removeprefix(EDITING), self.steps[0])
            await self.ask(ctx, record, step, text, editing=editing)

    async def _reask(self, ctx: Context, record: R) -> None:
        """A button from an older message: put the current question again."""
        step, editing = self._current_step(record)
        if step is not None:
            await self.ask(ctx, record, step, self.texts.choose, editing=editing)
        elif self.form.position(record) == EDIT:
            await self.edit_menu(ctx, record)
        else:
            await self.review(ctx, record)

    def _nav_row(self) -> list[Button]:
        b = self.buttons
        return [
            Button(self.texts.back, b.nav("back", None).pack()),
            Button(self.texts.cancel, b.nav("cancel", None).pack()),
        ]

    def _current_step(self, record: R) -> tuple[Step | None, bool]:
        position = self.form.position(record) or ""
        step = self.by_name.get(position.removeprefix(EDITING))
        return step, position.startswith(EDITING)

    async def _after(self, ctx: Context, record: R, step: Step, editing: bool) -> None:
        """A field was filled: the next question, or back to the review when editing."""
        index = self.steps.index(step)
        if editing or index + 1 >= len(self.steps):
            await self.review(ctx, record)
            return
        await self.ask(ctx, record, self.steps[index + 1], editing=False)

    # --- Input ------------------------------------------------------------------------

    async def on_input(self, ctx: Context) -> None:
        """Whatever is typed or sent while in the dialog."""
        record = await self.form.load(ctx)
        if record is None:
            await self.hooks.gone(ctx)
            return
        position = self.form.position(record)
        if position == REVIEW:
            await self.review(ctx, record, self.texts.choose)
            return
        step, editing = self._current_step(record)
        if step is None:
            await self.edit_menu(ctx, record, self.texts.choose)
            return
        if self.hooks.intercept is not None and await self.hooks.intercept(ctx, record):
            return
        event = ctx.event
        if event.contact is not None and not step.request_contact:
            # The share-phone button can outlive its question on the screen: a press later
            # is no wrong answer to this question.
            text = self.texts.contact_not_here.format(prompt=step.prompt)
            await self.ask(ctx, record, step, text, editing=editing)
            return
        if step.files:
            await self._take_files(ctx, record, step, step.files, editing)
            return
        if step.take is None:
            await self.ask(ctx, record, step, self.texts.choose, editing=editing)
            return
        try:
            value = step.take(event)
        except Invalid as error:
            await self.ask(ctx, record, step, str(error), editing=editing)
            return
        record = await self.form.save(ctx, record, step.name, value)
        await self._after(ctx, record, step, editing)

    async def _take_files(
        self, ctx: Context, record: R, step: Step, rule: Files, editing: bool
    ) -> None:
        t = self.texts
        files: list[Attachment] = list(self.form.value(record, step.name) or ())
        if not ctx.event.attachments:
            await self.ask(ctx, record, step, t.file_expected, editing=editing)
            return
        for item in ctx.event.attachments:
            if item.kind not in rule.kinds:
                await self.ask(ctx, record, step, t.file_kind, editing=editing)
                return
            if item.size is not None and item.size > rule.max_bytes:
                size = f"{item.size / (1024 * 1024):.1f}".replace(".", ",")
                name = item.file_name or item.kind
                text = t.file_size.format(name=name, size=size)
                await self.ask(ctx, record, step, text, editing=editing)
                return
            if len(files) >= rule.max_count:
                await self.ask(ctx, record, step, t.file_count, editing=editing)
                return
            caption = (ctx.event.text or "").strip() or None  # a photo's words stay with it
            files.append(replace(item, caption=caption))
        record = await self.form.save(ctx, record, step.name, tuple(files))
        text = t.file_added.format(count=len(files))
        await self.ask(ctx, record, step, text, editing=editing)

    # --- Buttons ----------------------------------------------------------------------

    async def on_nav(self, ctx: Context, record: R, action: NavAction, arg: str | None) -> None:
        step, editing = self._current_step(record)
        position = self.form.position(record)
        if action == "back":
            await self._back(ctx, record, position, step, editing)
        elif action == "cancel":
            await self.hooks.cancel(ctx, record, arg == "yes")
        elif action == "stay":
            await self.resume(ctx, record)
        elif action == "skip":
            if step is None or step.skip is None:
                await self._reask(ctx, record)
                return
            record = await self.form.save(ctx, record, step.name, None)
            await self._after(ctx, record, step, editing)
        elif action in ("done", "nofiles"):
            if step is None or not step.files:
                await self._reask(ctx, record)
                return
            if action == "nofiles":
                record = await self.form.save(ctx, record, step.name, ())
            await self._after(ctx, record, step, editing)
        elif action == "edit":
            await self.edit_menu(ctx, record)
        elif action == "send":
            missing = next((s for s in self.hooks.required if not self.form.value(record, s)), None)
            if missing is not None:
                await self.ask(ctx, record, self.by_name[missing], editing=True)
                return
            await self.hooks.submit(ctx, record)

    async def _back(
        self, ctx: Context, record: R, position: str | None, step: Step | None, editing: bool
    ) -> None:
        if position == EDIT or editing:
            await self.review(ctx, record)
        elif position == REVIEW:
            if not self.form.filling(record):
                await self.review(ctx, record)
                return
            await self.ask(ctx, record, self.steps[-1], editing=False)
        elif step is None:
            await self.review(ctx, record)
        elif step is self.steps[0]:
            await self.hooks.leave(ctx)  # the first question: back to where it began
        else:
            await self.ask(ctx, record, self.steps[self.steps.index(step) - 1], editing=False)

    async def on_pick(self, ctx: Context, record: R, step_name: str, key: str) -> None:
        step = self.by_name.get(step_name)
        current, editing = self._current_step(record)
        if step is None or step is not current or key not in step.choices:
            await self._reask(ctx, record)
            return
        value = step.value_of(key) if step.value_of else key
        record = await self.form.save(ctx, record, step.name, value)
        await self._after(ctx, record, step, editing)

    async def on_field(self, ctx: Context, record: R, step_name: str) -> None:
        step = self.by_name.get(step_name)
        if step is None:
            await self.edit_menu(ctx, record)
            return
        await self.ask(ctx, record, step, editing=True)


class StateForm:
    """A record kept in the dialog state itself (`ctx.data`), for dialogs whose answers
    reach the database only on «send» (a booking). The position is one of its keys."""

    KEY = "form"
    POSITION = "@position"

    async def load(self, ctx: Context) -> dict[str, Any] | None:
        record = ctx.data.get(self.KEY)
        return record if isinstance(record, dict) else None

    def position(self, record: dict[str, Any]) -> str | None:
        value = record.get(self.POSITION)
        return value if isinstance(value, str) else None

    async def move(self, ctx: Context, record: dict[str, Any], position: str) -> None:
        record[self.POSITION] = position
        ctx.data[self.KEY] = record

    async def save(
        self, ctx: Context, record: dict[str, Any], step: str, value: object
    ) -> dict[str, Any]:
        record[step] = value
        ctx.data[self.KEY] = record
        return record

    def value(self, record: dict[str, Any], step: str) -> Any:
        return record.get(step)

    def filling(self, record: dict[str, Any]) -> bool:
        return True
