"""The platform's deployable services, one package each."""
