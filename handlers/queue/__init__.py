"""The librarians' queue: questions the bot cannot answer become tickets in the staff chat.

A card goes to the staff chat; a librarian takes it, answers by replying to it (text,
photos, files), and the answer is relayed to the resident's own channel. Follow-ups land
under the same ticket. `resident.py` is the resident's side, `staff.py` the librarians',
`cards.py` how a ticket looks in the staff chat.
"""

from __future__ import annotations

from handlers.queue import resident, staff
from handlers.routing import Router

router = Router("queue")
resident.register(router)
staff.register(router)
