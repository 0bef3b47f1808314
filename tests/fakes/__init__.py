"""Fake servers that real SDKs talk to over loopback in tests."""

from tests.fakes.telegram_api import ApiCall, FakeTelegramServer

__all__ = ["ApiCall", "FakeTelegramServer"]
