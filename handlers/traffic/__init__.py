"""Traffic and conversions: the web analytics' visits and conversions from the community (CSV imports of GA4,
Matomo and Plausible, pulls from Plausible's and Matomo's APIs), and where members come from (tracked invite
links per campaign and source, cohorts)."""
