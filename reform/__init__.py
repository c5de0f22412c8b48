"""The operator's tools above the services: the `reform` command, the launcher, audit, the scenario."""
