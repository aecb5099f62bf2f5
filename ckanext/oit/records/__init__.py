"""Machine-readable records: table schemas, validated CSV/XLSX uploads, DataStore tables."""
