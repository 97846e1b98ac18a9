"""NetGain: a Discord bot that tracks creators' follower counts and net followers."""
