"""APScheduler runs the jobs the handlers declare; the database stays the source of truth.

No job store: on start every job is scheduled afresh from `Router.jobs`, and each job
looks in the database for what is due, so nothing depends on the scheduler's memory.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from handlers.core import Core


def start_scheduler(core: Core, timezone: ZoneInfo) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone)
    for job in core.routes.features.jobs:
        scheduler.add_job(
            core.run_job,
            CronTrigger(timezone=timezone, **job.cron),
            args=[job],
            id=job.name,
            # After downtime run once, late, rather than never or several times over.
            misfire_grace_time=3600,
            coalesce=True,
            max_instances=1,
        )
    scheduler.start()
    return scheduler
