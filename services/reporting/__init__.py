"""The reporting service: what officials and auditors read, as of any past moment."""
