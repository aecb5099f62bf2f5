"""The compliance monitor: what is due, missing and late, per organisation."""
