// Imported first by bench/reports.ts: the handlers build their default stores when imported,
// from the tables' names (serverless.yml's pattern for stage `bench`). They log at the level
// deployed (INFO) and publish their metrics, so that the log bytes a push costs are counted
// (bench/reports/log-sink.ts swallows them).
Object.assign(process.env, {
  CDR_TABLE_NAME: 'tccc-cdr-receiver-bench-cdrs',
  QUARANTINE_TABLE_NAME: 'tccc-cdr-receiver-bench-quarantine',
  REPORT_TABLE_NAME: 'tccc-cdr-receiver-bench-reports',
  TCCC_AUTH: 'none',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'false',
});
