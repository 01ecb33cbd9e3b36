"""WebSocket knowledge: keys and URLs, request building, message parsing, the session machine."""
