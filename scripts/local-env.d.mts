export declare const LOCAL_STAGE: string;
export declare const DEFAULT_DYNAMODB_PORT: number;
export declare function localEnv(endpoint: string): {
  AWS_ENDPOINT_URL_DYNAMODB: string;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN: string;
  SLS_TELEMETRY_DISABLED: string;
  SLS_NOTIFICATIONS_MODE: string;
};
export declare function localSigningKey(env?: NodeJS.ProcessEnv): { TCCC_OAUTH_SIGNING_KEY?: string };
