export declare function tableDefinitions(
  stage: string,
): Array<{ logicalId: string; TableName: string } & Record<string, unknown>>;
export declare function ensureLocalTables(endpoint: string, stage: string): Promise<Record<string, string>>;
