"""The GraphQL layer: strawberry types and resolvers over core services, served by starlette."""
