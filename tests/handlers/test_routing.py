"""Composition of the features' routers: nothing claimed twice, menus derived in order."""

from __future__ import annotations

import pytest

from handlers.context import Context
from handlers.features import FEATURES, build_routes
from handlers.menu.payloads import Home
from handlers.routing import Router, compose


async def _noop(ctx: Context) -> None:
    return None


def test_two_features_cannot_take_the_same_command_button_or_step() -> None:
    for claim in (
        lambda r: r.command("start")(_noop),
        lambda r: r.button(Home)(_noop),
        lambda r: r.step("appeals.*")(_noop),
        lambda r: r.staff_reply("ticket")(_noop),
    ):
        intruder = Router("intruder")
        claim(intruder)
        with pytest.raises(ValueError, match="already routed"):
            compose([*FEATURES, intruder], [])


def test_the_command_menus_come_from_the_routers() -> None:
    routes = build_routes()
    assert [name for name, _ in routes.command_menu(staff=False)] == [
        "start",
        "menu",
        "my",
        "privacy",
        "help",
        "cancel",
    ]
    staff = dict(routes.command_menu(staff=True))
    assert set(staff) == {"queue", "appeals", "appeal", "assist", "reload_kb", "help"} | {
        "courses",
        "new_session",
        "cancel_session",
        "attendees",
        "trained",
    }
    assert all(description for description in staff.values())
