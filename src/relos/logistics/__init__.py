"""RELOS logistics: price lists, signed support orders, deliveries and the reimbursement ledger."""
