"""Per-item texts the agency submits with its ITAS answers, and the reminders
already sent (own tables, migration oit_0004)."""
from __future__ import annotations

import datetime

from sqlalchemy import Column, Date, DateTime, Integer, Text

import ckan.plugins.toolkit as tk


class ItasExplanation(tk.BaseModel):
    __tablename__ = "oit_itas_explanation"

    owner_org = Column(Text, primary_key=True)
    fiscal_year = Column(Integer, primary_key=True)
    item_key = Column(Text, primary_key=True)
    text = Column(Text, nullable=False)
    updated_by = Column(Text)
    updated_at = Column(DateTime, default=datetime.datetime.utcnow)


class ReminderSent(tk.BaseModel):
    __tablename__ = "oit_reminder_sent"

    owner_org = Column(Text, primary_key=True)
    item_key = Column(Text, primary_key=True)
    fiscal_year = Column(Integer, primary_key=True)
    period = Column(Text, primary_key=True)
    sent_on = Column(Date, nullable=False)
