"""What the results mean: figures, terminal tables, the HTML report, the workbook.

Everything here reads results (tables in memory or a results folder, through
:mod:`~simulation.reports.reader`) and never runs a model.
"""
