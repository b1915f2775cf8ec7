"""CLI commands, one module per topic; each lists its commands in ``COMMANDS``."""
