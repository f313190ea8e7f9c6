"""The weekly strategy report: weeks, figures, advice, chart, rendering and the job that posts it."""
