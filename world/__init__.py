"""The world: locations, characters, objects, the world clock and game events."""
