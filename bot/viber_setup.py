"""`python -m bot viber set-webhook`: register the Viber webhook by hand.

The bot registers it at every start; by hand it is for checking or redoing the set-up while
the bot runs (Viber calls the address at once, so something must answer there). One line
out either way, never the token.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import aiohttp

from bot.channels.viber import WEBHOOK_PATH, ViberApi, ViberApiError, register_webhook
from bot.settings import Settings

FAILED = "Viber webhook not set"
# Viber's `status` codes a person can act on (the rest are shown as Viber words them).
HINTS = {
    1: "Viber could not call {url}: the bot must be running and reachable there over HTTPS"
    " with a certificate Viber trusts",
    2: "Viber does not know this VIBER_AUTH_TOKEN: copy it again from the Viber admin panel",
}


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    viber = sub.add_parser("viber", help="Viber set-up")
    actions = viber.add_subparsers(dest="viber_command", metavar="ACTION", required=True)
    actions.add_parser(
        "set-webhook",
        help="register WEBHOOK_BASE_URL/viber/webhook with Viber",
        description="Tell Viber to call WEBHOOK_BASE_URL/viber/webhook. Viber checks the "
        "address at once: run it while the bot is running and reachable there.",
    )


def main(settings: Settings) -> int:
    """Register the webhook; print one line; 0 on success, 1 on any failure."""
    if settings.viber_auth_token is None:
        return _fail("VIBER_AUTH_TOKEN is not set (the token from the Viber admin panel)")
    if not settings.webhook_base_url:
        return _fail("WEBHOOK_BASE_URL is not set (the public HTTPS address Viber calls)")
    token = settings.viber_auth_token.get_secret_value()
    url = settings.webhook_base_url + WEBHOOK_PATH
    try:
        events = asyncio.run(_register(settings.viber_api_url, token, url))
    except ViberApiError as error:
        hint = HINTS.get(error.status) if error.status is not None else None
        why = f"Viber answered {error}" + (f" ({hint.format(url=url)})" if hint else "")
        return _fail(why.replace(token, "***"))
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return _fail(f"cannot reach the Viber API at {settings.viber_api_url} ({_kind(error)})")
    except Exception as error:  # one line, never a traceback, whatever the answer was
        return _fail(f"unexpected answer from the Viber API ({_kind(error)})")
    print(f"Viber webhook set: {url} (events: {', '.join(events)})")
    return 0


async def _register(api_url: str, token: str, url: str) -> list[str]:
    api = ViberApi(api_url, token)
    try:
        return await register_webhook(api, url)
    finally:
        await api.close()


def _fail(why: str) -> int:
    print(f"{FAILED}: {why}", file=sys.stderr)
    return 1


def _kind(error: BaseException) -> str:
    # The type only: an exception's text may quote the request, headers and all.
    return "timed out" if isinstance(error, TimeoutError) else type(error).__name__
