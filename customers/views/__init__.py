"""Views of the customers app, one module per area of the card and register."""
