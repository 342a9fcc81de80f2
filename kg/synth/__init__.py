"""``kg synth``: the seeded generator of realistic, entirely fictional investigations (a world of
people and organizations, stories written into case files, and news articles about them)."""
