"""Platform adapters: translation between a platform's payloads and the core's events and actions."""
