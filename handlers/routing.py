"""One router per feature, composed in one place (`handlers/features.py`).

A feature declares what it takes with decorators::

    router = Router("appeals")

    @router.command("my", texts.CMD_MY)            # /my from residents, shown in the menu
    @router.button(AppealPress)                    # a pressed button, by payload type
    @router.step("appeals.*")                      # the next message of a dialog step
    @router.staff_reply("apin")                    # a librarian's reply to a bot prompt

Composition refuses two features claiming the same command, payload type, step or ref, so
the order features are listed in never decides who handles what — except for free text
outside any dialog, whose chain of fallbacks is written out once, in `features.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from handlers.context import Context, Job, Scope
from handlers.payloads import Payload

Handler = Callable[[Context], Awaitable[None]]
ButtonHandler = Callable[[Context, Any], Awaitable[None]]  # (ctx, the parsed payload)
FailureHandler = Callable[[Scope, str, str], Awaitable[None]]  # scope, ref, error
# Free text outside a dialog: True when the fallback took the message.
Fallback = Callable[[Context], Awaitable[bool]]

P = TypeVar("P", bound=Payload)
F = TypeVar("F")


@dataclass(frozen=True)
class Command:
    handler: Handler
    description: str | None = None  # shown in the messenger's command menu when set
    # A resident's command that acts for librarians when a librarian sends it privately
    # (/queue, /appeal N): the channel checks the sender's membership for it.
    staff_aware: bool = False


@dataclass
class Router:
    """What one feature takes. Residents' and staff's tables are separate: a button or
    command in the staff chat reaches only `staff_*` handlers, and only from staff."""

    name: str
    commands: dict[str, Command] = field(default_factory=dict)
    staff_commands: dict[str, Command] = field(default_factory=dict)
    buttons: dict[type[Payload], ButtonHandler] = field(default_factory=dict)
    staff_buttons: dict[type[Payload], ButtonHandler] = field(default_factory=dict)
    steps: dict[str, Handler] = field(default_factory=dict)
    staff_replies: dict[str, Handler] = field(default_factory=dict)
    failures: dict[str, FailureHandler] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)

    def command(
        self, name: str, description: str | None = None, *, staff_aware: bool = False
    ) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            _put(self.commands, name, Command(handler, description, staff_aware), self.name)
            return handler

        return add

    def staff_command(
        self, name: str, description: str | None = None
    ) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            _put(self.staff_commands, name, Command(handler, description), self.name)
            return handler

        return add

    def button(self, *types: type[P]) -> Callable[[F], F]:
        def add(handler: F) -> F:
            for kind in types:
                _put(self.buttons, kind, handler, self.name)
            return handler

        return add

    def staff_button(self, *types: type[P]) -> Callable[[F], F]:
        def add(handler: F) -> F:
            for kind in types:
                _put(self.staff_buttons, kind, handler, self.name)
            return handler

        return add

    def step(self, *names: str) -> Callable[[Handler], Handler]:
        """Steps are named `feature.step`; `feature.*` takes every step of the feature."""

        def add(handler: Handler) -> Handler:
            for name in names:
                _put(self.steps, name, handler, self.name)
            return handler

        return add

    def staff_reply(self, ref_prefix: str) -> Callable[[Handler], Handler]:
        """A librarian's reply to a bot message whose ref starts with `ref_prefix:`."""

        def add(handler: Handler) -> Handler:
            _put(self.staff_replies, ref_prefix, handler, self.name)
            return handler

        return add

    def failure(self, ref_prefix: str) -> Callable[[FailureHandler], FailureHandler]:
        """A message with this ref prefix could not be delivered for good."""

        def add(handler: FailureHandler) -> FailureHandler:
            _put(self.failures, ref_prefix, handler, self.name)
            return handler

        return add

    def job(self, name: str, **cron: str | int) -> Callable[[F], F]:
        """A scheduled task; `cron` holds APScheduler cron fields in the bot's time zone."""

        def add(run: F) -> F:
            self.jobs.append(Job(name, run, cron))  # type: ignore[arg-type]
            return run

        return add


@dataclass
class Routes:
    """Every feature's router merged, plus the free-text fallbacks in their order."""

    features: Router
    fallbacks: tuple[Fallback, ...]
    menu_order: tuple[str, ...] = ()  # residents' commands in the menu; others follow

    def step_handler(self, step: str) -> Handler | None:
        steps = self.features.steps
        return steps.get(step) or steps.get(step.split(".", 1)[0] + ".*")

    def staff_aware_commands(self) -> frozenset[str]:
        return frozenset(name for name, c in self.features.commands.items() if c.staff_aware)

    def command_menu(self, *, staff: bool) -> list[tuple[str, str]]:
        """(command, description) for the messenger's menu, in the order declared."""
        table = self.features.staff_commands if staff else self.features.commands
        shown = [(name, c.description) for name, c in table.items() if c.description]
        if staff:
            return shown
        rank = {name: i for i, name in enumerate(self.menu_order)}
        return sorted(shown, key=lambda item: rank.get(item[0], len(rank)))


def compose(
    routers: Iterable[Router], fallbacks: Sequence[Fallback], menu_order: Sequence[str] = ()
) -> Routes:
    merged = Router("all")
    for router in routers:
        for table in (
            "commands",
            "staff_commands",
            "buttons",
            "staff_buttons",
            "steps",
            "staff_replies",
            "failures",
        ):
            target = getattr(merged, table)
            for key, value in getattr(router, table).items():
                _put(target, key, value, router.name)
        merged.jobs += router.jobs
    return Routes(merged, tuple(fallbacks), tuple(menu_order))


def _put(table: dict[Any, Any], key: object, value: object, owner: str) -> None:
    if key in table and table[key] is not value:
        raise ValueError(f"{owner}: {key!r} is already routed elsewhere")
    table[key] = value
