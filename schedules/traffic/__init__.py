"""The daily pull of visits and conversions from the analytics APIs (Plausible, Matomo)."""
