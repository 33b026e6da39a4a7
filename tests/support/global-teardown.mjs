export default async function globalTeardown() {
  await Promise.all((globalThis.dynamoDbLocals ?? []).map((db) => db.stop()));
}
