"""The parts that read every app: retention (what is kept, minimised or deleted, and when).

It sits above the core and the apps built on it, so it may import them all; nothing below imports
it (see the import contract in pyproject.toml and docs/ARCHITECTURE.md).
"""
