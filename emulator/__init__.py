"""A local Telegram Bot API server for tests, the offline demo and rehearsals.

It speaks the Bot API's HTTP+JSON on 127.0.0.1 so python-telegram-bot talks to it unchanged
through TELEGRAM_API_BASE_URL, and it plays the users through a Python or HTTP control API.
"""

from emulator.server import EmulatorServer, make_app
from emulator.state import ApiError, Emulator, FaultRule, Limits

__all__ = ["ApiError", "Emulator", "EmulatorServer", "FaultRule", "Limits", "make_app"]
