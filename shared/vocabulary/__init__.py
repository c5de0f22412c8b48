"""The published vocabulary of each producer (enumerations, stdlib only): declared once here and
imported by its domain, its contracts, its request schemas and by consumers such as reporting."""
