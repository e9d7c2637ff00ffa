"""A provider's pooled client bank account: many people's Direct Payments in one bank account, a
sub-ledger each (see ``service``)."""
