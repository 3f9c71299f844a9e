"""discord.py cogs: thin adapters from slash commands to services."""
