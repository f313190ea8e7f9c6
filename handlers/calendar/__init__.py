"""The content calendar: drafts, approvals, the desk and the buttons (reacting to people). Its clock side,
delivery and wake-ups, is in `schedules.calendar`; `bot.features.calendar` wires the two."""
