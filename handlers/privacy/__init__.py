"""Privacy a resident can see and use: «🔒 Мої дані» and /privacy.

- `resident.py` — what is kept and why, «send my data», «erase my data», consents;
- `data.py` — everything kept about a person, one part per repository (collect, show,
  erase): a new kind of record is one more `Part`;
- `rules.py` — retention terms and what an appeal keeps under the archive rules;
- `jobs.py` — the retention job and the nightly copy of the database.
"""

from __future__ import annotations

from handlers.privacy import jobs, resident
from handlers.routing import Router

router = Router("privacy")
resident.register(router)
jobs.register(router)
