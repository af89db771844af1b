"""Analysts' reports: the learner-activity model kept up to date on ingest
(`facts`, `progress`, `store`), the report queries (`queries`), the web pages
(`routes`, `/reports/...`), and the commands `parcours report|export|import|privacy`
(`cli`). The placement and aggregation rules are in README.md."""
