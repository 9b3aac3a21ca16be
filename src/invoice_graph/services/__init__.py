"""Use cases: take plain values, open a unit of work, apply the domain rules."""
