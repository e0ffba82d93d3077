"""The office's workspace: the dashboard in a browser and the Mini App inside Telegram."""
