"""Appeals to the mayor, under the law "On Citizens' Appeals".

- `rules.py` — terms, numbering, limits, statuses;
- `form.py` — the questions of the appeal and the draft that holds the answers;
- `resident.py` — consent, the dialog, sending, «my appeals», status by number; also
  `/assist`, the same dialog run by a librarian for a visitor at a branch;
- `workflow.py` — the librarians' actions as a table; `staff.py` carries them out, lists
  appeals, warns of deadlines;
- `cards.py` — the card in the staff chat and the notices to the author.
"""

from __future__ import annotations

from handlers.appeals import resident, staff
from handlers.routing import Router

router = Router("appeals")
resident.register(router)
staff.register(router)
