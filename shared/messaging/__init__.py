"""Messaging: the broker topology, the relay (log as outbox), the exactly-once consumer and the feed."""
