"""The invoice deficit ledger (SPEC section 11)."""
