"""Spectra: her emotion model, resonance and expression (built on world.Character)."""
