import { describe, expect, it } from 'vitest';
import { missingAdminsWarnings } from '../../src/app/admins-warning.ts';

describe('the start-up warning about admins', () => {
  it('names each running chat platform with no admins list, and where to set one', () => {
    const lines = missingAdminsWarnings(['slack', 'discord'], { discord: ['123456789012345678'] }, '/etc/paperboy.json');
    expect(lines).toEqual([
      expect.stringMatching(/^No slack admins are set in \/etc\/paperboy\.json: anyone in slack may add or remove schedules and watches/),
    ]);
    expect(lines[0]).toContain('docs/slack.md');
  });
  it('says when there is no config file at all', () => {
    expect(missingAdminsWarnings(['discord'], {}, undefined)).toEqual([expect.stringContaining('(no PAPERBOY_CONFIG file)')]);
  });
  it('is silent when every running platform has its list (an empty list counts: nobody may)', () => {
    expect(missingAdminsWarnings(['slack'], { slack: [] }, undefined)).toEqual([]);
    expect(missingAdminsWarnings([], {}, undefined)).toEqual([]);
  });
});
