"""Editions and the fiscal-year map as a sysadmin keeps them in the running
portal (migration oit_0008). The packaged files stay the defaults: a stored
edition replaces the packaged one of the same name, or adds a new cycle."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, Text

import ckan.plugins.toolkit as tk


class StoredEdition(tk.BaseModel):
    __tablename__ = "oit_edition"

    name = Column(Text, primary_key=True)
    document = Column(Text, nullable=False)   # JSON, in the shape of an edition file
    loaded_by = Column(Text)
    loaded_at = Column(DateTime)


class FiscalYearEdition(tk.BaseModel):
    __tablename__ = "oit_fiscal_year_edition"

    fiscal_year = Column(Integer, primary_key=True)
    edition = Column(Text, nullable=False)
    set_by = Column(Text)
    set_at = Column(DateTime)


class EditionsRevision(tk.BaseModel):
    """One row whose token changes with every change above, so each process
    notices a change made by another with one cheap read."""
    __tablename__ = "oit_edition_revision"

    id = Column(Integer, primary_key=True)
    token = Column(Text, nullable=False)
