# ckanext-oit development environment. `make run` and `make test` do every
# step of the set-up themselves and are quick when it is already done.
SHELL := /bin/bash
.DEFAULT_GOAL := help
S := scripts
PYTEST_ARGS ?=
# CKAN version of `make test`: 2.11 (.venv, test.ini) or 2.12 (.venv-2.12, test-2.12.ini)
CKAN ?= 2.11
export OIT_CKAN := $(CKAN)
VENV := $(if $(filter 2.11,$(CKAN)),.venv,.venv-$(CKAN))
TEST_INI := $(if $(filter 2.11,$(CKAN)),test.ini,test-$(CKAN).ini)

.PHONY: help run test test-unit stop status services setup demo worker bench screenshots clean docs i18n package-check

help:
	@echo "make run      set up everything and serve the portal on http://127.0.0.1:5000"
	@echo "make test     set up everything and run the whole test suite (CKAN=2.12: on CKAN 2.12)"
	@echo "make test-unit  the tests of tests/unit only: no services, no CKAN configuration, seconds"
	@echo "make stop     stop every process we started (portal, worker, Solr, Redis, PostgreSQL)"
	@echo "make status   which services run"
	@echo "make bench    the benchmarks in bench/"
	@echo "make screenshots  PNGs of the main pages in Thai and English (.run/screenshots/)"
	@echo "make docs     the documentation site (mkdocs, strict) into .run/site"
	@echo "make i18n     extract our msgids, update the Thai catalogue, compile the .mo"
	@echo "make package-check  the wheel in an empty virtualenv with CKAN: the records feature works"
	@echo "make clean    stop and delete .run/ (databases, index, logs) and .venv/"

# Installs what is missing, starts the services, writes the ini files.
setup:
	@bash $(S)/bootstrap.sh
	@OIT_CKAN=2.11 bash $(S)/venv.sh  # the services' and portal's
	@bash $(S)/venv.sh
	@bash $(S)/node.sh
	@bash $(S)/services.sh start
	@bash $(S)/config.sh

run: setup
	@bash $(S)/db.sh ckan.ini
	@.venv/bin/ckan -c ckan.ini oit-demo --samples
	@bash $(S)/worker.sh start
	@bash $(S)/serve.sh

test: setup
	@OIT_VENV=$(CURDIR)/$(VENV) bash $(S)/db.sh $(TEST_INI)
	$(VENV)/bin/python -m pytest --ckan-ini=$(TEST_INI) $(PYTEST_ARGS)
	@# the audit chain the last tests left (each test checks its own as it ends)
	$(VENV)/bin/ckan -c $(TEST_INI) oit audit verify

# Pure functions and files only: CKAN's pytest plugins (and so --ckan-ini) off.
test-unit:
	@bash $(S)/bootstrap.sh
	@bash $(S)/venv.sh
	$(VENV)/bin/python -m pytest -p no:ckan -p no:ckan_fixtures -o addopts="-p no:cacheprovider" tests/unit $(PYTEST_ARGS)

stop:
	@bash $(S)/services.sh stop

status:
	@bash $(S)/services.sh status

bench: setup
	.venv/bin/python bench/solr_thai_recall.py
	.venv/bin/python bench/search_quality.py
	@bash $(S)/db.sh ckan.ini  # records.py loads uploads into the portal's databases
	.venv/bin/python bench/records.py

# PNGs of the main pages in Thai and English, into .run/screenshots/ (scripts/screenshots.py)
screenshots: setup
	@bash $(S)/db.sh ckan.ini
	@.venv/bin/ckan -c ckan.ini oit-demo --samples
	.venv/bin/python $(S)/screenshots.py

docs:
	@bash $(S)/venv.sh
	.venv/bin/mkdocs build --quiet

i18n:
	@bash $(S)/venv.sh
	PYTHONWARNINGS=ignore .venv/bin/python $(S)/i18n.py

package-check:
	@bash $(S)/venv.sh
	@bash $(S)/package-check.sh

clean: stop
	rm -rf "$$(bash $(S)/pg.sh dir)" .run .venv .venv-2.12 ckan.ini test.ini test-2.12.ini tests/a11y/node_modules
