"""The Telegram side: application, handlers, messages, the command line and the emulator."""

import os

# python-telegram-bot 22 warns on every 429 that durations will become timedeltas; we read
# them either way (jobs.sender), so take the coming behaviour now and keep the logs quiet.
os.environ.setdefault("PTB_TIMEDELTA", "true")
