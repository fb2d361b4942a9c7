"""The CP-SAT optimiser, split by concern: variables, constraints, objective, model, LNS, solve.

The only place in ``planning`` that imports OR-Tools.
"""
