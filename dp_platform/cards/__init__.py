"""Direct Payment cards (Stripe Issuing) and money paid in by card (Stripe PaymentIntents)."""
