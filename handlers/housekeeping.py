"""Housekeeping the core needs: the inbox of handled updates is forgotten after a while."""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Scope
from handlers.routing import Router

# Longer than any redelivery (Telegram: a day; Viber: hours), shorter than the week after
# which Telegram may start update ids again.
INBOX_KEEP = timedelta(days=5)
PRUNE_BATCH = 5000  # rows a run: the job never holds the database for long

router = Router("housekeeping")


@router.job("inbox.prune", minute=17)
async def prune_inbox(scope: Scope) -> None:
    await scope.services.inbox.prune(scope.conn, scope.now - INBOX_KEEP, limit=PRUNE_BATCH)
