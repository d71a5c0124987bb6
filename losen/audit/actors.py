"""The names the logs keep for whoever acted, and how a reader sees them.

A log row keeps the actor's name as it was (the user may later be renamed or deleted).
Losen's own imports act as accounts of their own, which cannot log in; the logs keep
their stored name, and a reader sees it in their own language. The accounts are made on
first use by accounts.actions.system_user.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The accounts of Losen's own imports (they cannot log in), by e-mail address: the name
# stored on them and in the logs, and what the interface calls them in the user's language.
LIST_IMPORT_USER = "listeimport@losen.invalid"
HISTORY_IMPORT_USER = "historisk-import@losen.invalid"
SYSTEM_USERS = {
    LIST_IMPORT_USER: ("Listeimport", _("Automatic list import")),
    HISTORY_IMPORT_USER: ("Historisk import", _("Automatic history import")),
}
SYSTEM_USER_LABELS = dict(SYSTEM_USERS.values())


def actor_label(name: str) -> str:
    """A name kept in a log, with a system account's name in the reader's language."""
    label = SYSTEM_USER_LABELS.get(name)
    return str(label) if label is not None else name
