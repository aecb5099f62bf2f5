# Kept for tools that still call setup.py; all metadata is in pyproject.toml.
# `ckanext` is a PEP 420 namespace package shared with CKAN and other extensions.
from setuptools import setup

setup()
