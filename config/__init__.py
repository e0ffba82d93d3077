"""Settings: read once from `.env` and the environment into a frozen, validated object."""

from config.settings import ConfigError, Secret, Settings, load_settings

__all__ = ["ConfigError", "Secret", "Settings", "load_settings"]
