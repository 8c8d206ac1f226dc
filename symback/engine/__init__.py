"""The engine: specs, formulas, rules, graphs, backprop, numbers, compiled programs.

It imports nothing from the layers above it (checking, documents, api, cli).
"""
