"""A per-resident rate limit: at most N messages a sliding minute, counted in memory.

Counted in memory, not in the database, so that a flood costs no rows: a restart forgets
the counts, which only gives a flooder a fresh minute.
"""

from __future__ import annotations

import enum
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)
# Far more people than write to the bot in one minute; a bound against a flood of new ids.
MAX_TRACKED = 10_000


class Verdict(enum.Enum):
    HANDLE = "handle"
    NOTICE = "notice"  # the first message over the limit: say so, once
    DROP = "drop"  # over the limit and already told: silence


@dataclass
class _Sender:
    accepted: deque[datetime] = field(default_factory=deque)  # oldest first
    told: bool = False  # the notice went out since the last accepted message


class FloodGuard:
    """Decides, per sender, whether a message is handled; `limit` 0 turns it off."""

    def __init__(
        self, limit: int, *, window: timedelta = WINDOW, max_tracked: int = MAX_TRACKED
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_tracked = max_tracked
        # Ordered by the newest accepted message, least recent first: the idle ones are
        # at the front, and evicting them is cheap.
        self._senders: OrderedDict[tuple[str, str], _Sender] = OrderedDict()

    def __len__(self) -> int:
        return len(self._senders)

    def check(self, channel: str, user_id: str, now: datetime) -> Verdict:
        if self.limit <= 0:
            return Verdict.HANDLE
        since = now - self.window
        self._evict_idle(since)
        key = (channel, user_id)
        sender = self._senders.get(key)
        if sender is None:
            sender = self._senders[key] = _Sender()
            if len(self._senders) > self.max_tracked:
                self._senders.popitem(last=False)
        while sender.accepted and sender.accepted[0] <= since:
            sender.accepted.popleft()
        if len(sender.accepted) < self.limit:
            # Only handled messages count: a flooder who keeps writing is answered again as
            # soon as their last minute holds fewer than `limit` handled ones.
            sender.accepted.append(now)
            sender.told = False
            self._senders.move_to_end(key)
            return Verdict.HANDLE
        if sender.told:
            return Verdict.DROP
        sender.told = True
        return Verdict.NOTICE

    def _evict_idle(self, since: datetime) -> None:
        """Forget senders with nothing handled in the window: their next message would be
        handled anyway, so nothing is lost."""
        while self._senders:
            oldest = next(iter(self._senders.values()))
            if oldest.accepted and oldest.accepted[-1] > since:
                return
            self._senders.popitem(last=False)
