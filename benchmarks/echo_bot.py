"""The reference for `benchmarks/load.py`: a bare aiogram echo bot, as a tutorial writes it.

Every message is echoed back; every button press is answered and its data sent back. Each
reply carries one button, so that residents always have something to press. No logging is
set up (aiogram's INFO line per update is not printed). It imports nothing of the project,
so its memory is aiogram's own. Reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL.
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="echo", callback_data="echo")]]
)

dp = Dispatcher()


@dp.message()
async def echo(message: Message) -> None:
    await message.answer(message.text or "?", reply_markup=KEYBOARD)


@dp.callback_query()
async def press(callback: CallbackQuery, bot: Bot) -> None:
    await callback.answer()
    if callback.message is not None:
        await bot.send_message(
            callback.message.chat.id, callback.data or "?", reply_markup=KEYBOARD
        )


def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    asyncio.run(dp.start_polling(bot))


if __name__ == "__main__":
    main()
