"""The feedback inbox: what members send the brand, the CMs' cards, and the answers."""
