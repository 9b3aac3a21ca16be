"""CSV exports of applications and statements (SPEC section 13)."""
