# the reference, unchanged: only where it lives differs
