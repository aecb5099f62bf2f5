"""The public portal: the organisation's OIT page, the home page of a
portal of several agencies and the record previews on resource pages."""
