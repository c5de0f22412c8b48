"""The web edge: HTTP endpoints, the error table, tokens and roles, request schemas and fields."""
