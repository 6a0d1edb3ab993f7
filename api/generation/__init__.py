"""Generation: turning product photos and scene settings into images and videos through providers."""
