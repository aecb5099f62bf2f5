"""The ``oit`` plugin: wiring only; the work lives in the capability modules."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.datastore.interfaces import IDatastore

from ckanext.oit import dataset_types, frameworks, registry, search, validators
from ckanext.oit.channels import membership
from ckanext.oit.compliance import e_service
from ckanext.oit.portal import errors as portal_errors
from ckanext.oit.records import datastore_hooks
from ckanext.oit.records import hooks as records
from ckanext.oit.workflow import guard, policy, reads


# registry.py collects what each kind of registration takes from our modules; the
# validators are every public function of validators.py, imported with the plugin
# (ckanext-scheming asks for validators while it imports)
@tk.blanket.auth_functions(registry.auth_functions)
@tk.blanket.blueprints(registry.blueprints)
@tk.blanket.validators(validators)
@tk.blanket.helpers(registry.helpers)
@tk.blanket.config_declarations
@tk.blanket.cli(registry.commands)
class OitPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IActions)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    # ckanext/oit/i18n: Thai for CKAN's own strings that its catalogue leaves empty
    p.implements(p.ITranslation)

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "oit")  # ckanext/oit/assets/webassets.yml

    # IMiddleware: uncaught refusals are 403 pages; our forms are CSRF-checked
    # whatever ckan.csrf_protection.ignore_extensions says; hardened session cookies

    def make_middleware(self, app: Any, config: Any) -> Any:
        from ckanext.oit.portal import api_input, csrf
        from ckanext.oit.work import views as work_views

        portal_errors.register(app)
        csrf.register(app)
        api_input.register(app)  # NUL and ill-shaped ids: a 409 naming the field, not a 500
        work_views.register(app)  # /dataset/new: the typed forms' chooser
        return app

    # IConfigurable: a broken edition or schema stops CKAN here, with its name.

    def configure(self, config: Any) -> None:
        known_types = dataset_types.check(dataset_types.scheming_schemas())
        frameworks.configure(
            config.get("ckanext.oit.frameworks_dir"),
            config.get("ckanext.oit.edition_by_fiscal_year"),
            known_types,
        )

    # IActions: ours, CKAN's membership actions chained so that complaint officers
    # lapse on leaving, and the guards chained onto CKAN's write actions

    def get_actions(self) -> dict[str, Any]:
        # workflow/policy.py classifies every registered action; its wrappers
        # refuse what no class allows.
        return policy.merge(
            registry.actions(),
            membership.chained_actions(),
            e_service.chained_actions(),
            guard.chained_actions(datastore=p.plugin_loaded("datastore")),
            reads.chained_actions(datastore=p.plugin_loaded("datastore"), activity=p.plugin_loaded("activity")),
            policy.chained_actions(policy.registered_names(self)),
        )

    # IPackageController

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return search.with_thai_query_fields(search_params)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return search.with_facet_labels(search.without_unknown_types(search_results))

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.with_oit_fields(pkg_dict)

    # IFacets

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return search.add_facets(facets_dict)

    def organization_facets(self, facets_dict: dict[str, Any], organization_type: str,
                            package_type: str | None) -> dict[str, Any]:
        return search.add_facets(facets_dict)

    # IResourceController: uploaded tables become DataStore rows (by a job)

    def after_resource_create(self, context: Any, resource: dict[str, Any]) -> None:
        records.after_change(resource)

    def after_resource_update(self, context: Any, resource: dict[str, Any]) -> None:
        records.after_change(resource)

    def before_resource_show(self, resource_dict: dict[str, Any]) -> dict[str, Any]:
        return records.with_state(resource_dict)


class OitDatastorePlugin(p.SingletonPlugin):
    """``oit_datastore``: datastore_search ``q`` on our records tables finds Thai words
    inside cells. A plugin of its own because CKAN's datastore plugin must be the first
    IDatastore one in ``ckan.plugins``, and ``oit`` comes before ``datastore`` (its
    templates override the datastore's): list it after ``datastore``."""
    p.implements(IDatastore)

    def datastore_validate(self, context: Any, data_dict: dict[str, Any], fields_types: dict[str, str]) -> Any:
        return datastore_hooks.validate(context, data_dict, fields_types)

    def datastore_search(self, context: Any, data_dict: dict[str, Any], fields_types: dict[str, str],
                         query_dict: dict[str, Any]) -> dict[str, Any]:
        return datastore_hooks.search(context, data_dict, fields_types, query_dict)

    def datastore_delete(self, context: Any, data_dict: dict[str, Any], fields_types: dict[str, str],
                         query_dict: dict[str, Any]) -> dict[str, Any]:
        return datastore_hooks.delete(context, data_dict, fields_types, query_dict)
