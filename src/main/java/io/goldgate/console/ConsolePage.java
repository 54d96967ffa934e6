package io.goldgate.console;

/**
 * The console's pages: the id the script renders by ({@code <body data-page>}), and the title of
 * each. The table page's title is the table's name.
 */
enum ConsolePage {
  OVERVIEW("overview", "Overview"),
  TABLES("tables", "Tables"),
  TABLE("table", "Table"),
  RECIPIENTS("recipients", "Recipients"),
  AUDIT("audit", "Audit"),
  LINEAGE("lineage", "Lineage"),
  FEATURES("features", "Features");

  final String id;
  final String title;

  ConsolePage(String id, String title) {
    this.id = id;
    this.title = title;
  }
}
