"""NLU components of the project that are not the safety net."""
