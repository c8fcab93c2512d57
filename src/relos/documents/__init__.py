"""Printable documents: the ship-visit notification, the support order, the invoice and the
statement of account, as HTML print views and as PDF (WeasyPrint, no browser, no network)."""
