"""A case's exit and its follow-ups."""

app_name = "outcomes"
urlpatterns: list = []
