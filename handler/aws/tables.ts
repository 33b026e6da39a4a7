import { Misconfigured } from '../common/errors';

/** The one home of the table names: serverless.yml's environment sets them. */
export const TABLE_ENV = {
  records: 'CDR_TABLE_NAME',
  quarantine: 'QUARANTINE_TABLE_NAME',
  reports: 'REPORT_TABLE_NAME',
  privacy: 'PRIVACY_TABLE_NAME',
} as const;

/** A table's name from the function's environment; a deployment without it is misconfigured. */
export function tableName(table: keyof typeof TABLE_ENV): string {
  const name = TABLE_ENV[table];
  const value = process.env[name];
  if (!value) throw new Misconfigured(`${name} is not set`);
  return value;
}
