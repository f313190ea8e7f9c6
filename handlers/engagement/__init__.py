"""The engagement log: who did what and when (never what was said), batched to the store. The weekly report
and the nightly upkeep that read it are in `schedules/`; `bot.features.engagement` wires them."""
