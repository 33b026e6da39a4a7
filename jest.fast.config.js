/**
 * `npm run test:fast`, for the edit loop: unit and integration tests through the real handlers
 * on DynamoDB Local, without the slow end-to-end ones (the fuzz run, `npm start` itself, the
 * packaged template, the browser). `npm test` stays the whole suite; CI runs that.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/tests/fuzz/',
    '<rootDir>/tests/local/',
    '<rootDir>/tests/infra/',
    '<rootDir>/tests/web/',
  ],
};
