"""The henan regional plugin: its policies land with the regional-rules issue."""
