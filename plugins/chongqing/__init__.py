"""The chongqing regional plugin: its policies land with the regional-rules issue."""
