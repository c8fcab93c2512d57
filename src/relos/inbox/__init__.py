"""The inbox: what waits for the caller, by role and party, worked out from the records."""
