"""Async clients for asyncio and trio (anyio): the source the sync clients are generated from."""
