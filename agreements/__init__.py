"""The national model Direct Payment agreement: clause templates as data, terms, validation,
the payment schedule, signatures and variations, and rendering. Imports only ``ledgers``."""
