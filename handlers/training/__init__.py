"""Training: residents book free computer and e-government courses at library branches.

- `rules.py` — reminder moments, offer deadlines, how a session's time is written;
- `resident.py` — courses → sessions → booking (the dialog engine), «Мої записи», answers
  to reminders and to offered seats;
- `waitlist.py` — a freed seat goes to the first in line;
- `jobs.py` — reminders and expiring offers, derived from the bookings; unreachable people;
- `staff.py` — /courses, /new_session, /cancel_session, /attendees, /trained;
- `cards.py` and `calendar.py` — what the resident reads, and the `.ics` file;
- `importer.py` — `python -m bot courses import FILE.csv` (`sample_courses.csv`).
"""

from __future__ import annotations

from handlers.routing import Router
from handlers.training import jobs, resident, staff

router = Router("training")
resident.register(router)
staff.register(router)
router.job("training-reminders", minute="*")(jobs.send_reminders)
router.job("training-offers", minute="*")(jobs.expire_offers)
router.failure("trrem")(jobs.on_undeliverable)
router.failure("troffer")(jobs.on_undeliverable)
