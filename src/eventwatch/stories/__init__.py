"""Stories: near-duplicate articles, happenings counted once, stories built over time."""
