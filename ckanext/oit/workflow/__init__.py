"""The publishing workflow: draft → pending → published, returns, withdrawals,
change requests on published datasets, and the guards on every write path."""
