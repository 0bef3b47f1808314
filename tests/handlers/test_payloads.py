"""Typed button payloads: packed in the old wire format, unpacked with validation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from handlers import texts
from handlers.appeals.payloads import AppealPress, Consent, Fix, Outcome, Pick, StaffPress
from handlers.menu.payloads import Home, OpenReference
from handlers.payloads import MAX_BYTES, BadPayload, Payload, parse
from handlers.queue.payloads import HandOver, TicketPress
from handlers.reference.payloads import Category, Feedback, OpenArticle
from tests.harness import MENU_LABELS, Chat


def test_every_family_round_trips_in_the_wire_format_buttons_already_carry() -> None:
    cases: list[tuple[Payload, str]] = [
        (Home(), "menu"),
        (OpenReference(), "kb"),
        (Category(3), "kb:c:3"),
        (OpenArticle("pension-portal"), "kb:a:pension-portal"),
        (OpenArticle("pension-portal", 17), "kb:a:pension-portal:17"),
        (Feedback(17, "n"), "kb:fb:17:n"),
        (HandOver(17), "ask:q:17"),
        (TicketPress("take", 12), "tk:take:12"),
        (AppealPress("cancel", "yes"), "ap:cancel:yes"),
        (AppealPress("back"), "ap:back"),
        (Consent("yes"), "ap:consent:yes"),
        (Pick("topic", "housing"), "ap:pick:topic:housing"),
        (Fix(5), "ap:fix:5"),
        (StaffPress("transfer", 5), "aps:transfer:5"),
        (Outcome(5, "explained"), "aps:outcome:5:explained"),
    ]
    for payload, wire in cases:
        assert payload.pack() == wire
        assert parse(wire) == payload


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "nosuchprefix:1",
        "tk:take",  # a field missing
        "tk:take:1:2",  # one too many
        "tk:steal:1",  # not one of the actions
        "tk:take:-1",
        "tk:take:1e3",
        "tk:take:٣",  # a digit, but not an ASCII one
        "tk:take:" + "9" * 40,  # no id of ours is that large
        "kb:c:" + "1" * 70,  # over Telegram's 64 bytes
        "ap:consent:maybe",
    ],
)
def test_malformed_or_foreign_payloads_are_refused(raw: str) -> None:
    assert parse(raw) is None


def test_a_payload_that_would_not_fit_a_button_is_a_bug_caught_when_packed() -> None:
    with pytest.raises(BadPayload):
        OpenArticle("a" * MAX_BYTES).pack()
    with pytest.raises(BadPayload):
        Pick("topic", "a:b").pack()  # the separator inside a field


def test_two_families_cannot_share_a_prefix() -> None:
    with pytest.raises(TypeError):

        @dataclass(frozen=True)
        class Clash(Payload, prefix="tk"):
            ticket: int


async def test_a_forged_button_gets_the_menu_not_an_error(chat: Chat) -> None:
    [reply] = await chat.send(payload="tk:more:" + "9" * 30)
    assert reply.text == texts.UNKNOWN_BUTTON
    assert reply.labels == MENU_LABELS
