"""Human references for records: `RELOS-IN-2027-0042` for a deployment, `ORD-RU-2027-0007`
for a support order, numbered per scope inside the transaction that creates the record."""
