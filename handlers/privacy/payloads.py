"""«Мої дані»'s buttons. The menu's entry (`OpenPrivacy`) is in handlers/menu/payloads.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.payloads import Payload

# export: send my data; erase → sure → confirm: asked twice; keep: changed one's mind.
PrivacyAction = Literal["export", "erase", "sure", "confirm", "keep"]


@dataclass(frozen=True)
class PrivacyPress(Payload, prefix="pv"):
    action: PrivacyAction


@dataclass(frozen=True)
class ExportPage(Payload, prefix="pv:page"):
    """◀️ ▶️ under a long «my data»: that page, made afresh."""

    page: int


@dataclass(frozen=True)
class Withdraw(Payload, prefix="pv:withdraw"):
    purpose: Literal["appeal", "question", "booking"]
