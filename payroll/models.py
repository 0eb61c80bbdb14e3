"""Models of the payroll app."""
