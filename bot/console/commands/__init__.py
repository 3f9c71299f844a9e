"""Console command handlers, one module per feature (mirrors cogs/)."""
