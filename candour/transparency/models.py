"""Models of this app (added by the issues that own it)."""
