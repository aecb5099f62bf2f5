"""OIT framework editions: the item lists of each assessment cycle, as data."""
from ckanext.oit.frameworks.loader import (  # noqa: F401
    CADENCES, EVIDENCE_KINDS, Category, Edition, EditionInvalid, FrameworkError, Item, read_edition, read_editions,
)
from ckanext.oit.frameworks.registry import (  # noqa: F401
    Resolution, any_item, configure, counting_item, edition, edition_for, editions, item_as_named, item_for,
    items_of_type, resolve,
)
