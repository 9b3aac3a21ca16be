"""The GraphQL API: types, resolvers that translate and delegate, per-request loaders."""
