"""Documents: the one LaTeX printer, the document models, Jinja rendering, PDF."""
