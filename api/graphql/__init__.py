"""The GraphQL API: the schema assembled from one module per concept, and what every request passes
through (authorisation, limits, masking, the access log)."""
