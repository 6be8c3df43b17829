"""The autonomy core: perceive (perception.py, the only part that reads the database),
decide (decision.py) and act (actions.py), the latter two pure Python over plain data."""
