"""Ambassadors: helpful members proposed to the CMs, appointed with a role or user group, and thanked."""
