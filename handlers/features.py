"""Where the features are put together — the one place their order is written down.

A new feature is a package under `handlers/` with a `router`; list it here. Routers may
not claim the same command, button type, dialog step or ref (composition fails loudly),
so their order below does not matter — except for free text outside any dialog, which
goes through `FALLBACKS` top to bottom until one takes it.
"""

from __future__ import annotations

from handlers import appeals, housekeeping, menu, privacy, queue, reference, training
from handlers.reference import answers
from handlers.routing import Fallback, Routes, compose

# The order of the residents' command menu in the messenger.
MENU_ORDER = ("start", "menu", "my", "privacy", "help", "cancel")

FALLBACKS: tuple[Fallback, ...] = (
    appeals.resident.number_lookup,  # «МР-2026-000012»: that appeal's status
    answers.on_question,  # anything else: a question for the knowledge base
)


FEATURES = (
    menu.router,
    reference.router,
    queue.router,
    appeals.router,
    training.router,
    privacy.router,
    housekeeping.router,
)


def build_routes() -> Routes:
    return compose(FEATURES, FALLBACKS, MENU_ORDER)
