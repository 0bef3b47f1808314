"""How long what is kept, and what an appeal keeps when its author asks to be forgotten.

The Law of Ukraine «Про захист персональних даних» (Art. 8, 15) lets a person know what is
kept about them, get it, and have it erased unless another law requires keeping it. For
appeals another law does:

- the Law «Про звернення громадян» (Art. 5) makes an appeal a document with the author's
  surname, name, patronymic and place of residence, and its consideration a matter of
  record (Art. 19–20: the answer, the terms);
- the Instruction on record-keeping for citizens' appeals (Cabinet of Ministers resolution
  No. 348 of 14.04.1997) and the List of standard documents with their storage terms
  (Ministry of Justice order No. 578/5 of 12.04.2012, item 82) keep appeals and the
  documents of their consideration for 5 years; the term counts from 1 January of the year
  after the case was finished.

So a submitted appeal keeps what makes it that document — the registration (number, dates,
status and its history), the author's name and postal address, the topic, the text and
the list of its files, the council's number and the answer — and loses what is only a means
of contact (phone, e-mail) and its link to the messenger account. Drafts were never
submitted: they go whole. After the term the appeal keeps only what reports count.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.appeals.rules import FINISHED
from handlers.dates import day_start, local_day
from storage.appeals import Appeal

# Copies of sent messages in the outbox: long enough to see what went wrong with a delivery.
SENT_COPIES_KEPT = timedelta(days=30)
# The «Мої дані» file is a full copy of a person's data: its outbox copy goes after a day.
EXPORT_COPY_KEPT = timedelta(days=1)
# A half-done dialog (not an appeal draft: those go after 7 days, appeals/rules.py).
DIALOG_KEPT = timedelta(days=30)
RETENTION_BATCH = 500  # records a round: the job never holds the database for long
EXPORT_REF = "privacy:export"


def archive_until(appeal: Appeal, years: int, tz: ZoneInfo) -> date | None:
    """1 January of the year the archive term of a finished appeal ends; None while it is
    still being considered (the term has not started)."""
    if appeal.status not in FINISHED and appeal.status != "returned":
        return None
    finished = local_day(appeal.updated_at, tz).year
    return date(finished + 1 + years, 1, 1)


def appeals_cutoff(now: datetime, years: int, tz: ZoneInfo) -> datetime:
    """Appeals last changed before this moment have served their archive term."""
    return day_start(date(local_day(now, tz).year - years, 1, 1), tz)
