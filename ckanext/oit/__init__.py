"""ckanext-oit: ITA/OIT disclosures of Thai government agencies as open data."""
