"""The Memory Cortex: what characters remember."""
