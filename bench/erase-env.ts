// Imported first by bench/erase.ts: the handlers build their default stores when imported, from
// the tables' names (serverless.yml's pattern for stage `erasebench`). They log at the level
// deployed (INFO), into bench/reports/log-sink.ts, so that a batch's time includes its log line.
Object.assign(process.env, {
  CDR_TABLE_NAME: 'tccc-cdr-receiver-erasebench-cdrs',
  QUARANTINE_TABLE_NAME: 'tccc-cdr-receiver-erasebench-quarantine',
  REPORT_TABLE_NAME: 'tccc-cdr-receiver-erasebench-reports',
  PRIVACY_TABLE_NAME: 'tccc-cdr-receiver-erasebench-privacy',
  TCCC_AUTH: 'none',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
