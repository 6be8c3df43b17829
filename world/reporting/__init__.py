"""Reading the world's history for people: the canonical event log (replay checks) and the
liveliness report (`manage.py world_report`)."""
