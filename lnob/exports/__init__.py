"""Exports of filtered lists to CSV and XLSX (no models).

``columns`` names the columns (shared with the spreadsheet importer),
``writers`` turns a header and an iterator of rows into a file, ``persons``
and ``capacity`` produce the rows of the person, network and volunteer lists,
and ``responses`` wraps it all into an audited download.
"""
