"""Assembly: the one staff-chat value and the delivery policies, from the settings."""

from __future__ import annotations

from bot.app import delivery_policies, staff_address
from bot.delivery import FreeWindow
from bot.settings import Settings
from handlers.messages import Address


def settings(**fields: object) -> Settings:
    return Settings(_env_file=None, **fields)  # type: ignore[arg-type,call-arg]


def test_the_staff_chat_is_the_telegram_group_and_only_with_librarians() -> None:
    telegram = {"telegram_bot_token": "1:x", "staff_chat_id": -100123}
    assert staff_address(settings(**telegram)) == Address("telegram", "-100123")
    assert staff_address(settings(**telegram, librarians=False)) is None
    assert staff_address(settings(staff_chat_id=-100123)) is None  # no Telegram, no group


def test_viber_gets_the_free_window_policy_only_without_proactive_messages() -> None:
    viber = {"viber_auth_token": "t", "webhook_base_url": "https://bot.example.org"}
    assert delivery_policies(settings(**viber)) == {}
    [(channel, policy)] = delivery_policies(
        settings(**viber, viber_proactive_messages=False)
    ).items()
    assert channel == "viber" and isinstance(policy, FreeWindow)
