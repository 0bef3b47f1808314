"""Sending paced to Telegram's limits, on a clock of our own: no test here sleeps."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.base import RetryLater
from bot.channels.pacing import Limits, Pacer, telegram_limits


class Moments:
    """A clock that stands still, and a sleep that notes when each message would go."""

    def __init__(self) -> None:
        self.now = 0.0
        self.planned: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.planned.append(self.now + seconds)


class Ticking(Moments):
    """A clock that moves on by what each sleep waits: one sender going on and on."""

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def pacer(limits: Limits | None, time: Moments) -> Pacer:
    assert limits is not None
    return Pacer(limits, clock=time.clock, sleep=time.sleep)


def at_most(moments: list[float], count: int, within: float) -> bool:
    """No `count + 1` of `moments` fall within `within` seconds of each other."""
    moments = sorted(moments)
    spans = (moments[i + count] - moments[i] for i in range(len(moments) - count))
    return all(span >= within - 1e-9 for span in spans)


async def test_a_crowds_replies_go_out_at_thirty_a_second() -> None:
    time = Ticking()
    sent = []
    paced = pacer(telegram_limits(30), time)
    for chat in range(1, 151):  # 150 residents, one reply each
        await paced.wait(str(chat), group=False)
        sent.append(time.now)
    assert sent[0] == 0.0
    assert at_most(sent, 30, 1.0)
    assert abs(sent[-1] - 149 / 30) < 1e-6  # and no slower than that


async def test_replies_that_wait_keep_the_order_they_came_in() -> None:
    time = Moments()
    paced = pacer(telegram_limits(30), time)
    await asyncio.gather(*(paced.wait(str(chat), group=False) for chat in range(1, 101)))
    # The first goes at once; each waiting one was given its moment when it came.
    assert len(time.planned) == 99 and time.planned == sorted(time.planned)
    assert at_most([0.0, *time.planned], 30, 1.0)


async def test_a_long_answer_in_parts_starts_at_once_then_goes_a_part_a_second() -> None:
    time = Ticking()
    paced = pacer(telegram_limits(30), time)
    sent = []
    for _part in range(6):
        await paced.wait("1001", group=False)
        sent.append(round(time.now, 6))
    assert sent == [0.0, 0.033333, 0.066667, 1.0, 2.0, 3.0]  # the overall spacing, then the chat's


async def test_the_librarians_group_gets_twenty_cards_a_minute() -> None:
    time = Ticking()
    paced = pacer(telegram_limits(30), time)
    cards = []
    for _card in range(45):
        await paced.wait("-100500", group=True)
        cards.append(time.now)
    assert at_most(cards, 20, 60.0)
    assert cards[4] < 0.2  # five at once (a card, its edit, a reply…), then one each 4 s
    assert [round(moment, 6) for moment in cards[5:7]] == [4.0, 8.0]
    assert round(cards[-1], 6) == 160.0


async def test_a_busy_group_does_not_slow_a_resident() -> None:
    time = Ticking()
    paced = pacer(telegram_limits(30), time)
    for _card in range(6):
        await paced.wait("-100500", group=True)
    assert round(time.now, 6) == 4.0  # the group's next card is due at 8
    time.now = 4.5
    await paced.wait("1001", group=False)
    assert time.now == 4.5


async def test_a_stopping_bot_leaves_what_would_wait_for_after_the_restart() -> None:
    time = Ticking()
    paced = pacer(telegram_limits(30), time)
    for _part in range(3):
        await paced.wait("1001", group=False)
    paced.stop()
    # The next part would wait for its chat: it stays in the outbox, the stop goes on.
    with pytest.raises(RetryLater) as later:
        await paced.wait("1001", group=False)
    assert 0 < later.value.seconds <= 1.0
    time.now = 0.5  # another chat's message that need not wait goes
    await paced.wait("1002", group=False)
    assert time.now == 0.5


def test_zero_messages_a_second_means_no_pacing() -> None:
    assert telegram_limits(0) is None
