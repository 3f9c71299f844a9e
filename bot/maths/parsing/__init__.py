"""The answer parser in parts: builders, atoms, size limits, answer post-processing (see bot.maths.parser)."""
