"""What Losen uses by name where scripts/dead_code.py (vulture) cannot see it.

One line per thing, with where it is used. Patterns (every form's clean_*, every
management command) are in pyproject.toml's [tool.vulture] instead.
"""

from losen.web import context_processors

context_processors.navigation  # settings.TEMPLATES' context_processors
