"""What the ARS and the GHT support are given to check an entity's month: the response matrix."""
