"""msgspec Structs for request and response bodies (snake_case JSON, integer pence)."""
