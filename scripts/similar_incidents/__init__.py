"""The labelled set of past incidents for similar-incident scoring: hand-written families, and the script
that turns them into tests/data/similar_incidents.json (`python -m scripts.similar_incidents.generate`)."""
