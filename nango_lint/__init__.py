"""nango-lint: static checks for Nango Functions (syncs, actions and on-event scripts)."""

__version__ = "0.1.0"
