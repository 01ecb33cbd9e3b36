"""The application shell: clients that wire the core to transports and carry out its decisions.

``_async/`` holds the source of truth; ``_sync/`` is generated from it by ``tools/codegen.py``
(``python tools/codegen.py --check`` fails CI when the two drift).
"""
