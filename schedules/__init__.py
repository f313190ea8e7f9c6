"""What the bot does when the clock says so. APScheduler wakes these up; the truth is in the store."""
