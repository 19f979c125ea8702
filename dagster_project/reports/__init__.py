"""The monthly report pack: an Excel workbook and a self-contained HTML page per country and
per province, from the published marts. No Dagster import."""
