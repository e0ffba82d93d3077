"""The Telegram side: application, handlers, messages, the command line and the emulator."""
