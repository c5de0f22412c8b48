"""Persistence: the service application over its log, the audit hash chain and signed digests."""
