"""The pilots service: pilot units, implementation plans, and each service matter's conversion to purchase."""
