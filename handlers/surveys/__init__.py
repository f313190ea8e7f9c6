"""Satisfaction surveys (NPS, CSAT): the tables, the command, the buttons and the comment modal."""
