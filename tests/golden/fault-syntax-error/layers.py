"""A layers.py that does not parse: the student stopped typing half-way through a line."""

def unfinished(X:
    return X
