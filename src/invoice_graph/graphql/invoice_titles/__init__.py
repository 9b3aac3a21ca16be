"""Invoice titles: the InvoiceTitle type and its mutations."""
