"""What the bot does when something happens in the community. Never imports a platform library."""
