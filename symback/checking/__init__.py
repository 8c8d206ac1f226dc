"""Checking hand work: equivalence, the numeric sweep, claims, step-by-step derivations, LaTeX input."""
