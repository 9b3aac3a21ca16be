"""Tests that attack the API: tenant isolation, limits, rate limits, graphql-cop checks, fuzzing."""
