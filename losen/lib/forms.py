"""Form pieces every app uses."""

from django import forms

# A browser's own date picker; the value is ISO 8601 whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
