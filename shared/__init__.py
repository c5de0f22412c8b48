"""The platform kit shared by every service: contracts, relay, consumer, HTTP, auth, CLI."""
