"""The office's view: statuses by government task-tracking conventions, summaries,
scorecards, the Excel workbook, CSV and the iCalendar feed."""
