"""Excel in and out: the master-data template, its import, budget-realisation files, exports.

Planners keep the PK in Excel and the finance subsection keeps budget realisation there too,
so a year starts with a workbook and ends with one. One job per module:

* `workbook`: opening a file (size, zip, `limits`, openpyxl) or a `WorkbookError`;
* `columns`: the template's sheets and columns, its own vocabulary;
* `cells`: reading a sheet's table and typed cell values, a `Problem` per bad cell;
* `problems`: `Problem`, `Note`, `ImportReport`: codes and their arguments, no sentences;
* `importer` dispatches to `template_validate` (with `template_sheets`) then `template_load`
  for the master data (`template_data` in between), or to `realisation_import`;
* `template_writer`: the template and the realisation workbook;
* `export_data` reads the LKjIP export's figures (`export_rows`), `export` prints them;
* `writer`: cells and tables as Excel shows them, shared by everything that writes.

Nothing here words a message: `sicapai.handlers.texts.excel` does, from the codes, for the
command line and the chat alike. This package never imports `sicapai.handlers`.
"""
