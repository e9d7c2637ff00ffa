"""HTTP controllers, one module per area; request and response shapes live in ``schemas``."""
