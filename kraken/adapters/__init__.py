"""Adapters: implementations of the ports over real libraries (httpx, anyio, websockets, files)."""
