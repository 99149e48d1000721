"""Demo seeding: a first-run organization, owner and bot built from every app (the top layer)."""
