"""A throwaway fifth service for the registry tests: it keeps a count of catalogue events."""
