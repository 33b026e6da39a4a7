import { startDynamoDbLocal } from '../../scripts/dynamodb-local.mjs';
import { ensureLocalTables } from '../../scripts/local-tables.mjs';

/** One DynamoDB Local for the whole run; test files keep apart by using fresh SessionIds. */
export default async function globalSetup() {
  // A second one that tests/faults.test.ts pauses and resumes, out of the other tests' way.
  const [db, faulty] = await Promise.all([startDynamoDbLocal({ quiet: true }), startDynamoDbLocal({ quiet: true })]);
  globalThis.dynamoDbLocals = [db, faulty];
  // tests/fuzz has tables of its own: its thousands of quarantined pushes stay out of the others' way.
  // Queries and reports read whole time ranges and the table's stream: theirs alone.
  // The prod stage's tables stand in for a deployed stage's: tests/scripts/deployed-stage-commands.test.ts
  // alone uses them (its commands scan whole tables), through the SDK's endpoint variable.
  // tests/reports/stream-poller.test.ts reads a whole stream: its own too. So do tests/privacy
  // (the lookup's consumer reads the stream; erasure scans the quarantine; retention every table).
  const [
    tables,
    fuzzTables,
    reportTables,
    pollerTables,
    boundedTables,
    ,
    ,
    privacyTables,
    operatorTables,
    indexTables,
  ] = await Promise.all([
    ensureLocalTables(db.endpoint, 'test'),
    ensureLocalTables(db.endpoint, 'fuzz'),
    ensureLocalTables(db.endpoint, 'reports'),
    ensureLocalTables(db.endpoint, 'poller'),
    ensureLocalTables(db.endpoint, 'bounded'),
    ensureLocalTables(db.endpoint, 'prod'),
    ensureLocalTables(faulty.endpoint, 'test'),
    ensureLocalTables(db.endpoint, 'privacy'),
    // tests/infra/privacy-template.test.ts runs the operator's privacy commands on these, noting each request.
    ensureLocalTables(db.endpoint, 'operator'),
    // tests/privacy/index-lookups.test.ts compares the whole lookup with what the records ask for.
    ensureLocalTables(db.endpoint, 'lookupindex'),
  ]);
  // Test workers inherit this environment: the real handler finds DynamoDB Local through
  // the SDK's standard endpoint variable, exactly as `npm start` does.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    CDR_TABLE_NAME: tables.CdrTable,
    QUARANTINE_TABLE_NAME: tables.QuarantineTable,
    TCCC_AUTH: 'none',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    FUZZ_CDR_TABLE_NAME: fuzzTables.CdrTable,
    FUZZ_QUARANTINE_TABLE_NAME: fuzzTables.QuarantineTable,
    REPORTS_CDR_TABLE_NAME: reportTables.CdrTable,
    REPORTS_QUARANTINE_TABLE_NAME: reportTables.QuarantineTable,
    REPORTS_REPORT_TABLE_NAME: reportTables.ReportTable,
    REPORT_TABLE_NAME: tables.ReportTable,
    POLLER_CDR_TABLE_NAME: pollerTables.CdrTable,
    BOUNDED_CDR_TABLE_NAME: boundedTables.CdrTable,
    BOUNDED_REPORT_TABLE_NAME: boundedTables.ReportTable,
    PRIVACY_TABLE_NAME: tables.PrivacyTable,
    PRIVACY_TEST_TABLES: JSON.stringify({
      records: privacyTables.CdrTable,
      quarantine: privacyTables.QuarantineTable,
      privacy: privacyTables.PrivacyTable,
      reports: privacyTables.ReportTable,
    }),
    OPERATOR_TEST_TABLES: JSON.stringify(operatorTables),
    INDEX_TEST_TABLES: JSON.stringify({
      records: indexTables.CdrTable,
      quarantine: indexTables.QuarantineTable,
      privacy: indexTables.PrivacyTable,
      reports: indexTables.ReportTable,
    }),
    FAULTY_DYNAMODB_ENDPOINT: faulty.endpoint,
    FAULTY_DYNAMODB_PID: String(faulty.pid),
  });
}
