"""What the fake API servers share: an aiohttp app on loopback at a free port, and a client.

A subclass builds its `web.Application` in `start()` and hands it to `_serve`; `close()`
stops the client and the server. Both work as `async with Server() as server: …`.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from aiohttp import ClientSession, ClientTimeout, web


class LoopbackServer:
    def __init__(self, *, host: str = "127.0.0.1") -> None:
        self.host = host
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        # For calls the fake makes to the bot (webhooks, callbacks).
        self._http: ClientSession | None = None

    async def start(self) -> None:
        raise NotImplementedError

    async def _serve(self, app: web.Application, *, path: str = "", **runner: Any) -> None:
        """Serve `app` on a free port; `base_url` becomes its address followed by `path`."""
        self._runner = web.AppRunner(app, access_log=None, **runner)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://{self.host}:{port}{path}"
        self._http = ClientSession(timeout=ClientTimeout(total=10))

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
