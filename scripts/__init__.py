"""The project's scripts; the Python ones import each other as `scripts.*` (run from the root)."""
