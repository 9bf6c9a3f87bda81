"""The endpoints that are not GraphQL: downloads for offices and the health check."""
