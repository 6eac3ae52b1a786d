"""Paper reproductions: experiment logic that the CLI and notebooks call."""
