"""The graph layer: the schema (declared once), typed records, and the stores."""
