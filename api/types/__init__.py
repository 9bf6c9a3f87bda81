"""GraphQL object types, one module per concept; each wraps a core row."""
