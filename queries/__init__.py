"""Analyses as plain functions over a store: stats, show, gaps, choke points, targets, catalogue."""
