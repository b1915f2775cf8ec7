"""Readers and adapters that turn files into validated graph tables."""
