"""chainkg: a knowledge graph of industrial chains (产业链) and enterprises."""

__version__ = "0.1.0"
