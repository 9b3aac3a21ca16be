"""The benchmark harness of invoice_graph: `python -m bench` (see bench/README.md)."""
