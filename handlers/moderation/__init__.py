"""Moderation: rules on every message, a queue of flags for moderators, member reports, raid and spike alerts.
`bot.features.moderation` wires it; the nightly excerpt purge is in `schedules.moderation`."""
