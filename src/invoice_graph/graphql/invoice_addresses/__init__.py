"""Invoice addresses: the InvoiceAddress type and its mutations."""
