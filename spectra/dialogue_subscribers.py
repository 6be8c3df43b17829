"""Who answers when a player speaks (the dialogue providers fill this in)."""
