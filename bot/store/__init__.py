"""The one SQLite file that holds everything that must survive a restart."""

from bot.store.database import Store, open_database

__all__ = ["Store", "open_database"]
