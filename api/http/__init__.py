"""The endpoints that are not GraphQL: downloads for offices, the dashboard and the health check."""
