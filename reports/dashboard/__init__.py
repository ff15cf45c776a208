"""The leaders' dashboard (issue 11): its data (data.py), the slot for targets (targets.py),
the query string every page takes (selection.py), the exports (exports.py), and the views."""
