"""`firebreak search reindex`: rebuild the search index from the database (batched, with progress).

The index is kept in step as things are written (migration 0008's triggers); rebuild it after
restoring a database from elsewhere, or when a release changes what is indexed. The bot may keep running:
each batch of incidents is one short transaction.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from firebreak.settings import load_settings
from storage.database import Database
from storage.migrate import upgrade
from storage.search_backend import SqlSearchBackend


def add_search_commands(commands: Any) -> None:
    """Register `firebreak search …` on the CLI's subcommands."""
    search = commands.add_parser("search", help="the search index")
    actions = search.add_subparsers(dest="search_command", required=True)
    actions.add_parser("reindex", help="rebuild the search index from the database").set_defaults(handler=reindex)


def reindex(_args: argparse.Namespace) -> int:
    settings = load_settings()

    def progress(done: int, total: int) -> None:
        print(f"  {done:,} of {total:,} incidents indexed", flush=True)

    async def go() -> int:
        database = Database(settings.database_url)
        try:
            await database.open()
            await upgrade(database)
            return await SqlSearchBackend(database).reindex(progress)
        finally:
            await database.dispose()

    documents = asyncio.run(go())
    print(f"Search index rebuilt: {documents:,} documents.")
    return 0
