"""Developer tools that generate or check files of the project from its sources."""
