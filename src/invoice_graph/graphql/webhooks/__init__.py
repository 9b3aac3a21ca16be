"""Webhook endpoints and their deliveries (SPEC section 12)."""
