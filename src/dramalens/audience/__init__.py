"""See DESIGN.md for what this stage holds."""
