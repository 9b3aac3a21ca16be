"""Webhooks (SPEC section 12): signing secrets sealed at rest, and the URLs deliveries may go to."""
