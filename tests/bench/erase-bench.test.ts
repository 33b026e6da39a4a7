import path from 'node:path';
import { userEnv } from '../support/local-receiver';
import { documented, runDocumented } from '../support/readme';

/**
 * `npm run bench:erase` as docs/privacy.md shows it, at a small size (the full 100,000 records
 * take minutes): every sample's lookup items as the schemas' x-identifier fields give them, and
 * the one person seeded in 3 sessions found in exactly those and erased.
 */
describe('npm run bench:erase', () => {
  it("prints the lookup's cost per push type and erases one person among the records it seeded", async () => {
    const { code, stdout, stderr } = await runDocumented(
      documented('npm run bench:erase'),
      userEnv({ ERASE_BENCH_RECORDS: '300' }),
      path.join(__dirname, '..', '..'),
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    // Distinct canonical identifiers; a session-level record in `bySeat` leaves its agent out.
    for (const [sample, items] of [
      ['cdr', 2], // Caller, Callee (the agent's Mail is its UserId; the empty Phones count for no one)
      ['record', 1], // EndpointUser, the agent's id: a recording is in no seat index
      ['record-caller', 1], // EndpointUser, the caller's number
      ['voicemail', 1], // EndpointUser, a number written as a JSON number
      ['imcdr', 1], // the visitor's UserId
      ['video-cdr', 1], // the visitor's UserId
    ] as const) {
      // Each lookup item is far under 1 KB: one write unit each.
      expect(stdout).toMatch(new RegExp(`^  ${sample} +${items} +${items} +\\d{2,3} B$`, 'm'));
    }
    expect(stdout).toMatch(/^ {4}privacy table writes {2}\$[\d.]+ {2}\(2\.00 WRU per push/m);
    // 299 voice CDRs of 2 identifiers each (the person replaces one caller), the recording 1.
    expect(stdout).toMatch(/^seeded 300 records and 599 lookup items in [\d.]+ s$/m);
    const erased =
      /^erase one person \(3 sessions\) among 300 records: found \(--dry-run\) in \d+ ms, (\d+) requests; erased in \d+ ms more, (\d+) requests$/m.exec(
        stdout,
      );
    // Found: 4 lookup partitions, 3 bySeat queries, 3 sessions read, the quarantine scanned.
    // Erased: each session read twice, its 4 items written, the lookup items in one batch.
    expect([erased?.[1], erased?.[2]]).toEqual(['11', '11']);
    expect(stdout).toContain("found exactly the person's 3 seeded sessions: yes; afterwards the lookup finds 0");
    expect(stdout).toMatch(
      /^a full scan of the record table \(300 items\): 300 items in [\d.]+ s, \d+ RRU; at 1,000,000 records about [\d.]+ s/m,
    );
    expect(stdout).toMatch(
      /^erase one person among 1,000,000 records <= 60 s: about [\d.]+ s \(22 requests.* {3}PASS$/m,
    );
  }, 240_000);
});
