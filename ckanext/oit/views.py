"""Blueprints of ckanext-oit, one per capability (registered by toolkit.blanket)."""
from ckanext.oit.channels.views import channels
from ckanext.oit.compliance.views import compliance
from ckanext.oit.portal.views import portal
from ckanext.oit.records.views import records
from ckanext.oit.workflow.views import workflow

__all__ = ["workflow", "records", "compliance", "portal", "channels"]
