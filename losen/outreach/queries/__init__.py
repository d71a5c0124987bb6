"""Reads of outreach, scoped to the actor, by area like actions/ and views/.

The people on a team's lists are the team's to work with: `entries_visible_to(actor)`
holds the entries of the actor's casework teams whose person the actor may see
(people.queries.visible_to); `get_entry_for` opens one, through people's getter, so the
read is logged and anything else answers 404.

ladder  the entries, one entry, its statuses, whom the notice of rights goes to
lists   the lists, their members, who on a list still needs the notice of rights
"""
