"""Welcome's clock work: batched welcomes during a join spike, the follow-up nudge, the nightly retention."""
