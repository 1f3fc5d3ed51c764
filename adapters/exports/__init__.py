"""Exporters: the evidence pack's files (XLSX, CSV), written from plain domain objects."""
