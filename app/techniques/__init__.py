"""What a technique is: the library file, its schema and validation, and the timeline (numpy only)."""
