"""HTTP middleware and plain routes: auth, body limit, request log, health, metrics, GraphiQL.

Middleware are small ASGI classes; every refusal they (and the GraphQL view) send is a Starlette
response built by `errors.error_response`, with the status `status.status_of` gives its code.
"""
