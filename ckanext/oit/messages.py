"""Messages that several capabilities say, written once."""
from __future__ import annotations

from ckanext.oit.i18n_messages import Message

DATASET_NOT_FOUND = Message("Dataset not found")
ORGANISATION_NOT_FOUND = Message("Organisation not found")
LOGIN_NEEDED = Message("You must be logged in")
SYSADMINS_ONLY = Message("Sysadmins only")
