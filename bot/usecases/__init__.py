"""Use cases: what a command asks of the bot, between the cogs and storage.

Each module takes the storage ports it needs (`storage.ports`) and returns domain results that
the cogs' renderers turn into messages. No Discord and no SQL here.
"""
