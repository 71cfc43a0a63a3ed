"""Exports of filtered lists to CSV and XLSX, and official PDFs (no models).

``columns`` names the columns (shared with the spreadsheet importer),
``writers`` turns a header and an iterator of rows into a file, and
``responses`` wraps it all into an audited download; ``pdf`` draws any
document as an A4 PDF in Sarabun (decision 0008). The rows of each list
come from the app that owns it (``registry.exports``, ``networks.exports``,
``matching.exports``), so this package depends on ``core`` only.
"""
