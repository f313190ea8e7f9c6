"""Welcome: greet newcomers once, hold welcomes during join spikes, close a newcomer's follow-up at their first
message. The timers (batched welcomes, follow-up nudges, retention) are in `schedules.welcome`."""
