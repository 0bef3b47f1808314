"""What runs by itself: the retention job (anonymise what outlived its term, batch by
batch) and the nightly copy of the database."""

from __future__ import annotations

import logging
from functools import partial

from handlers import texts
from handlers.context import Scope
from handlers.privacy import data
from handlers.privacy.rules import (
    DIALOG_KEPT,
    EXPORT_COPY_KEPT,
    EXPORT_REF,
    RETENTION_BATCH,
    SENT_COPIES_KEPT,
    appeals_cutoff,
)
from handlers.routing import Router
from storage import backup

log = logging.getLogger(__name__)


async def retention(scope: Scope) -> bool:
    """One round: at most RETENTION_BATCH records of each kind. True while any kind had a
    full batch (there may be more); the rows stay, without the personal parts, so the
    counts for reports do not change."""
    s, conn, now, batch = scope.services, scope.conn, scope.now, RETENTION_BATCH
    kept = s.privacy
    expired_tickets = await s.tickets.expired(conn, now - kept.tickets_kept, limit=batch)
    await data.erase_tickets(scope, expired_tickets, now, on_request=False)
    cutoff = appeals_cutoff(now, kept.appeals_kept_years, s.timezone)
    silent = now - max(kept.questions_kept, kept.tickets_kept)
    counts = {
        "questions": await s.kb_queries.anonymise_before(
            conn, now - kept.questions_kept, limit=batch
        ),
        "tickets": len(expired_tickets),
        "appeals": await s.appeals.anonymise_before(conn, cutoff, now, limit=batch),
        "dialogs": await s.dialogs.prune(conn, now - DIALOG_KEPT, limit=batch),
        "users": await s.users.anonymise_inactive(conn, silent, limit=batch),
        "exports": await s.outbox.blank_sent_before(
            conn, now - EXPORT_COPY_KEPT, limit=batch, ref_prefix=EXPORT_REF
        ),
        # Never longer than the records they quote are kept.
        "copies": await s.outbox.blank_sent_before(
            conn,
            now - min(SENT_COPIES_KEPT, kept.questions_kept, kept.tickets_kept),
            limit=batch,
        ),
    }
    log.info("retention round: %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return any(count >= batch for count in counts.values())


async def nightly_backup(scope: Scope) -> None:
    privacy = scope.services.privacy
    if privacy.database is None or privacy.backup_dir is None or privacy.backup_copies < 1:
        return
    # After the commit, in a thread: the copy reads its own snapshot and holds no lock the
    # bot needs.
    scope.after_commit(
        partial(
            backup.nightly, privacy.database, privacy.backup_dir, privacy.backup_copies, scope.now
        ),
        failed=texts.PRIVACY_BACKUP_FAILED,
    )


def register(router: Router) -> None:
    router.job("privacy.retention", hour=3, minute=10)(retention)
    router.job("privacy.backup", hour=3, minute=40)(nightly_backup)
