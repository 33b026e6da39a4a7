export default async function globalTeardown() {
  await globalThis.dynamoDbLocal?.stop();
}
